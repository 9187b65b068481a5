import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-your-writes: how far ordering has folded each partition of the topics it consumes. Written in the same
 * transaction as each fold, so a command handler (in any instance) can wait until an acknowledged claim is folded.
 */
export class OrderingFoldPositions1764040300000 implements MigrationInterface {
  name = 'OrderingFoldPositions1764040300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE fold_position (
      topic text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      CONSTRAINT fold_position_pkey PRIMARY KEY (topic, partition)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE fold_position`);
  }
}
