/** Furigana markup helpers live in common/ (the printer uses them too). */
export * from '../../common/ruby.js';
