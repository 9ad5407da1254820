import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /docs and the OpenAPI document at /docs-json, served offline from the package. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Nitro AI')
    .setDescription(
      'Self-hosted AI assistant platform: chat with streaming answers, images, voice, web search with AI summaries, and agents. ' +
        'Authenticate with `Authorization: Bearer <access token or API key>`. Errors are JSON `{ statusCode, error, message }`; streams are Server-Sent Events.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}
