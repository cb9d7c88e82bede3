-- The articles compose.yaml's PostgreSQL starts with; the news layout's
-- cards are /api/v1/og/news/{slug}. The photos are public Wikimedia
-- Commons files: without internet access the cards draw the layout's
-- fallback (and are cached for a minute only).
CREATE TABLE articles (
	slug      text PRIMARY KEY,
	title     text NOT NULL,
	image_url text,
	brand     text
);
INSERT INTO articles (slug, title, image_url, brand) VALUES
	('hello-compose', 'ogcard behind nginx, two replicas and one bucket', 'https://upload.wikimedia.org/wikipedia/commons/thumb/3/3f/Fronalpstock_big.jpg/1280px-Fronalpstock_big.jpg', 'Compose'),
	('no-photo', 'A card without a photo draws the layout''s background colour', NULL, 'Compose'),
	('budget-2025', 'Parliament passes the 2025 budget after a night of votes', 'https://upload.wikimedia.org/wikipedia/commons/thumb/a/a7/Camponotus_flavomarginatus_ant.jpg/1280px-Camponotus_flavomarginatus_ant.jpg', 'NewsDaily');
