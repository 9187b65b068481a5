import { createPipelineTables, dropPipelineTables } from '@coupons/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The decision pipeline's tables: one command_outcome row per command (instead of processed_message rows for the
 * command and each of its events), fold_position (consumed events deduped by offset), parked_command.
 */
export class WalletDecisionPipeline1764040400000 implements MigrationInterface {
  name = 'WalletDecisionPipeline1764040400000';

  async up(q: QueryRunner): Promise<void> {
    await createPipelineTables(q, 'wallet.commands', 'wallet.projection');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropPipelineTables(q);
  }
}
