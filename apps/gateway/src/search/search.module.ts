import { Module } from '@nestjs/common';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

/** POST /search, POST /search/stream, POST /video/search. */
@Module({ controllers: [SearchController], providers: [SearchService] })
export class SearchModule {}
