-- Reserved: migration 0017 belongs to work merged in parallel with issue 16's (which
-- was given 0018). This empty file keeps the numbers without gaps on that branch alone;
-- delete it when the real 0017 is merged (two files numbered 0017 fail loudly at start).
SELECT 1;
