import { Controller, Delete, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { GalleryDeletedDto, GalleryPageDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { GalleryService } from './gallery.service';
import { UserIdParam } from '../common/user-id.param';
import { DownloadQueryDto, GalleryFileParam, GalleryPageQueryDto, GalleryUserFileParams } from './media-params.dto';

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
  // Names are never reused for other content, so the browser may keep the bytes.
  @Header('Cache-Control', 'private, max-age=86400')
  download(@CurrentUser() user: AuthUser, @Param() p: GalleryFileParam, @Query() q: DownloadQueryDto) {
    return this.gallery.download(user, p.filename, q.variant ?? 'original');
  }

  @Get(':user_id')
  @ApiOperation({ summary: "A user's images, newest first, with thumbnail and download URLs (paged by offset and limit)." })
  @ApiOkResponse({ type: GalleryPageDto })
  list(@CurrentUser() user: AuthUser, @Param() p: UserIdParam, @Query() q: GalleryPageQueryDto) {
    return this.gallery.page(user, p.user_id, q.offset ?? 0, q.limit ?? 24);
  }

  @Delete(':user_id/:filename')
  @ApiOperation({ summary: 'Delete an image: its PNG, thumbnail, metadata and gallery entry.' })
  @ApiOkResponse({ type: GalleryDeletedDto })
  @ApiNotFoundResponse({ description: 'No such image in this gallery.' })
  remove(@Param() p: GalleryUserFileParams, @CurrentUser() user: AuthUser) {
    return this.gallery.remove(user, p.user_id, p.filename);
  }
}
