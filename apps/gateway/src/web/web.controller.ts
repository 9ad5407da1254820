import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';

/** Served at / only when the built PWA is missing (see WEB_ROOT). */
@ApiExcludeController()
@Controller()
export class PlaceholderController {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  index() {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Nitro AI</title><meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><main><h1>Nitro AI</h1><p>The API is running. Explore it in <a href="/docs">Swagger UI</a>. The web app is not built yet (run <code>pnpm build</code>).</p></main></body></html>`;
  }
}
