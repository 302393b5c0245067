"""The composition root: the only place that reads Settings and builds backends, stores and use
cases from them (services for the app and the CLI, batch runs and their Ray engine). May import
every layer below it."""
