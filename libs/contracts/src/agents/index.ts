export * from './agents.patterns';
export * from './agents.dto';
export * from './code-review.dto';
export * from './lint.dto';
export * from './file-analysis.dto';
export * from './schedule.dto';
