import { Controller, Delete, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GalleryDeletedDto, GalleryPageDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { GalleryService } from './gallery.service';
import { DownloadQueryDto, GalleryFileParam, GalleryPageQueryDto, GalleryUserFileParams, GalleryUserParam } from './media-params.dto';

@ApiTags('gallery')
@ApiBearerAuth()
@Controller('gallery')
export class GalleryController {
  constructor(private readonly gallery: GalleryService) {}

  // Declared before :user_id so "download" is never taken for a user id.
  @Get('download/:filename')
  @ApiOperation({ summary: 'Stream an image (PNG) or its thumbnail (WebP) with its content type and length.' })
  @ApiProduces('image/png', 'image/webp')
  @ApiOkResponse({ description: 'The image bytes.' })
  @ApiNotFoundResponse({ description: 'Not a name the service issued, unknown, or not yours.' })
  download(@Param() p: GalleryFileParam, @Query() q: DownloadQueryDto, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gallery.download(p.filename, q.variant ?? 'original', user, reply);
  }

  @Get(':user_id')
  @ApiOperation({ summary: "A user's images, newest first, with thumbnail and download URLs (paged by offset and limit)." })
  @ApiOkResponse({ type: GalleryPageDto })
  list(@Param() p: GalleryUserParam, @Query() q: GalleryPageQueryDto, @CurrentUser() user: AuthUser) {
    return this.gallery.page(p.user_id, q.offset ?? 0, q.limit ?? 24, user);
  }

  @Delete(':user_id/:filename')
  @ApiOperation({ summary: 'Delete an image: its PNG, thumbnail, metadata and gallery entry.' })
  @ApiOkResponse({ type: GalleryDeletedDto })
  @ApiNotFoundResponse({ description: 'No such image in this gallery.' })
  remove(@Param() p: GalleryUserFileParams, @CurrentUser() user: AuthUser) {
    return this.gallery.remove(p.user_id, p.filename, user);
  }
}
