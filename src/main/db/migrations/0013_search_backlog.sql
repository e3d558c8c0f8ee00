CREATE TABLE `search_backlog` (
	`id` integer PRIMARY KEY NOT NULL,
	`through` integer NOT NULL,
	`upto` integer NOT NULL
);
