// Entry point for signed-in pages: page behaviours first, then the live connection.

import { startInbox } from './inbox.js';
import { startLive } from './live.js';
import { startMessages } from './messages.js';
import { startNotifications } from './notifications.js';
import { startPeopleImport } from './people_import.js';
import { startPosts } from './posts.js';
import { startSearch } from './search.js';
import { startTasks } from './tasks.js';

startPosts();
startNotifications();
startInbox();
startSearch();
startPeopleImport();
startTasks();
startMessages(startLive());
