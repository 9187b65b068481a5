import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** The quoted, schema-qualified name of an entity's table, for hand-written SQL that must not depend on search_path. */
export function tableName(em: EntityManager | DataSource, entity: EntityTarget<ObjectLiteral>): string {
  const ds = em instanceof DataSource ? em : em.connection;
  const meta = ds.getMetadata(entity);
  return meta.schema ? `"${meta.schema}"."${meta.tableName}"` : `"${meta.tableName}"`;
}
