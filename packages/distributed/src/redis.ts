import { Redis } from 'ioredis';
import { OrderlensInputError } from '@orderlens/core';

/**
 * Checks a `--redis` URL (`redis://[user:pass@]host[:port][/db]`, or `rediss://` for TLS) and
 * returns it normalised. Refused before any connection is tried.
 */
export function parseRedisUrl(raw: string, field = '--redis'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OrderlensInputError(
      field,
      `expected a URL such as redis://host:6379, got ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new OrderlensInputError(field, `expected a redis:// or rediss:// URL, got ${url.protocol}//`);
  if (!url.hostname) throw new OrderlensInputError(field, `no host in ${raw}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new OrderlensInputError(field, `the path of a Redis URL is a database number, got /${db}`);
  return url.toString();
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` makes commands wait while Redis
 * is away (a restart) instead of failing after a few tries: a coordinator or worker simply
 * carries on when it is back. Each Queue / Worker gets its own connection (BullMQ blocks on a
 * worker's), and whoever creates one closes it.
 */
export function redisConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // Reconnect quickly at first (a restart), then every 2 s.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: false,
  });
}
