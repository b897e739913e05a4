# Models of the addon are imported here as they are added (one model per file).
