import { playerInBrowser } from './browser-suite';

playerInBrowser(false);
