CREATE TABLE `rollup_packed` (
	`dim` integer NOT NULL,
	`day` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`dim`, `day`)
);
