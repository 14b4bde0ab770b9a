-- PostgreSQL twin of migrations/003. Express Entry rounds (program EE) keep their round number, tie-break time,
-- the federal programs they drew from and the pool's CRS distribution with
-- the draw. OINP draws leave them empty. Draws stored before programs were
-- told apart are OINP's.
ALTER TABLE draws ADD COLUMN round             TEXT NOT NULL DEFAULT '';
ALTER TABLE draws ADD COLUMN tie_break         TEXT NOT NULL DEFAULT '';   -- RFC 3339 UTC
ALTER TABLE draws ADD COLUMN programs_included TEXT NOT NULL DEFAULT '[]'; -- JSON list of names
ALTER TABLE draws ADD COLUMN distribution      TEXT NOT NULL DEFAULT '';   -- drawwatch.PoolDistribution JSON, '' for none
UPDATE draws SET program = 'OINP' WHERE program = '';
CREATE INDEX draws_program_date ON draws (program, date);
