/// <reference types="vite/client" />
import styles from './styles.css?inline';

/**
 * The badge's look (`styles.css`, which says why it is written as it is). Imported as a
 * string, so the build minifies it like any stylesheet: the bundle goes to every visitor as it is.
 */
export const css: string = styles;
