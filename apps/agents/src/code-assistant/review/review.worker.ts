import { runReview } from './static-review.util';

/**
 * Entry of a review worker thread (piscina loads this file and calls its default export with a
 * ReviewTask). Each worker keeps its own Ruff workspaces, ESLint configs and grammars warm.
 */
export default runReview;
