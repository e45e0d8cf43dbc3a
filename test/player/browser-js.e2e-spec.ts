import { playerInBrowser } from './browser-suite';

playerInBrowser(true);
