/** Stops `npm test` at once, with how to install one, when no Chromium is there for the end-to-end tests. */
import { chromiumOrExit } from '../test/support/browser';

chromiumOrExit();
