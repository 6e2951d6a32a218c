// Entry point for signed-in pages: page behaviours first, then the live connection.

import { startInbox } from './inbox.js';
import { startIncidents } from './incidents.js';
import { startLayout } from './layout.js';
import { startLightbox } from './lightbox.js';
import { startLive } from './live.js';
import { startMessages } from './messages.js';
import { startNotifications } from './notifications.js';
import { startPeopleImport } from './people_import.js';
import { startPosts } from './posts.js';
import { startRail } from './rail.js';
import { startSearch } from './search.js';
import { startSocial } from './social.js';
import { startTasks } from './tasks.js';
import { startWorkview } from './workview.js';

startLayout();
startPosts();
startLightbox();
startNotifications();
startInbox();
startIncidents();
startWorkview();
startSearch();
startPeopleImport();
startSocial();
startTasks();
startRail();
startMessages(startLive());
