import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ChatAttachmentDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { readUpload, type UploadedFile } from '../agents/agent-upload';
import { ReadUpload, Uploaded, type UploadReader } from '../common/request-params.decorators';
import { AttachmentsService } from './attachments.service';

/** One file, at most CHAT_ATTACHMENT_MAX_BYTES (413 while streaming); an image's own cap is checked after reading. */
const attachmentUpload: UploadReader<UploadedFile> = (req, env) =>
  readUpload(req, env.CHAT_ATTACHMENT_MAX_BYTES, 'CHAT_ATTACHMENT_MAX_BYTES');

@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post('attachments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach a file to a coming message: its text is extracted now (an image kept as it is) for CHAT_ATTACHMENT_TTL_S (24 h).',
    description:
      'Text-like files (txt, md, csv, json, code; UTF-8/16 or Windows-1252) are decoded; a PDF is read page by page by the agents service ' +
      '(its text layer; at most PDF_MAX_PAGES pages, `truncated` when cut). The type is decided from the bytes, not the name. ' +
      'Send `attachment_id` in `attachments` of POST /chat or /chat/stream: the text goes to the model before the message and is stored with it. ' +
      'Images (PNG, JPEG, WebP, GIF; at most CHAT_ATTACHMENT_MAX_IMAGE_BYTES, 5 MiB) answer kind image with mime and bytes; sent with a message, ' +
      'they go to a model that reads images (an Ollama model whose /api/show lists "vision", or Gemini). When no configured model can, ' +
      "the message is refused with 400 IMAGES_NOT_SUPPORTED. History keeps the image's name, not its bytes: later messages do not send it again.",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: ChatAttachmentDto })
  @ApiBadRequestResponse({
    description: 'No file, an empty one, not multipart; `file` with no text or over CHAT_ATTACHMENT_MAX_CHARS characters (TEXT_TOO_LONG).',
  })
  @ApiPayloadTooLargeResponse({
    description:
      'The file is larger than CHAT_ATTACHMENT_MAX_BYTES, or an image larger than CHAT_ATTACHMENT_MAX_IMAGE_BYTES (naming `file`).',
  })
  @ApiUnsupportedMediaTypeResponse({
    description: 'Not text, a PDF or a PNG/JPEG/WebP/GIF image (an executable, an archive, a BMP…); the message names the detected type.',
  })
  @ApiUnprocessableEntityResponse({ description: 'A PDF without a text layer, encrypted, or unreadable.' })
  @ReadUpload(attachmentUpload)
  upload(@CurrentUser() user: AuthUser, @Uploaded() file: UploadedFile) {
    return this.attachments.upload(user, file);
  }
}
