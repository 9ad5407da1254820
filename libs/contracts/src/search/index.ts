export * from './search.patterns';
export * from './search-request.dto';
export * from './search-response.dto';
