var __DUMP = true;
