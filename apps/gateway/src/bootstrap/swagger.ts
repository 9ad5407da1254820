import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ERROR_CATALOGUE } from '@nitro/contracts';

/** The error-code catalogue as a Markdown table for the document's description. */
const ERROR_TABLE = [
  '| `error` | meaning |',
  '|---|---|',
  ...Object.entries(ERROR_CATALOGUE).map(([code, text]) => `| \`${code}\` | ${text} |`),
].join('\n');

/** Swagger UI at /docs and the OpenAPI document at /docs-json, served offline from the package. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Nitro AI')
    .setDescription(
      'Self-hosted AI assistant platform: chat with streaming answers, images, voice, web search with AI summaries, and agents. ' +
        'Authenticate with `Authorization: Bearer <access token or API key>`. Errors are JSON `{ statusCode, error, message, trace_id }`; streams are Server-Sent Events.\n\n' +
        `### Error codes\nEvery \`error\` (and every SSE \`error\` event's \`code\`) is one of these:\n\n${ERROR_TABLE}`,
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The same catalogue as a schema, so generated clients get the codes as an enum.
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ErrorCode: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) } },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}
