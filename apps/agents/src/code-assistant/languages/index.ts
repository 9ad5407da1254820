import type { CodeLanguage } from '@nitro/contracts';
import type { LanguageSpec } from './language-spec';
import { go } from './go.language';
import { java } from './java.language';
import { javascript, typescript } from './javascript.language';
import { python } from './python.language';

export const LANGUAGE_SPECS: Record<CodeLanguage, LanguageSpec> = { python, javascript, typescript, go, java };
export type { LanguageSpec, ImportedName } from './language-spec';
