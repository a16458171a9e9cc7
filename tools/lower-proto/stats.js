var __STATS = true;
