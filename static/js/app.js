// Entry point for signed-in pages: page behaviours first, then the live connection.

import { startLive } from './live.js';
import { startNotifications } from './notifications.js';
import { startPosts } from './posts.js';
import { startSearch } from './search.js';

startPosts();
startNotifications();
startSearch();
startLive();
