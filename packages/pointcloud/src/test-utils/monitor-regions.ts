import { join } from 'node:path';
import { normalizeCloud } from '../cloud/point-cloud.js';
import { buildRegionPlayers } from '../players/region-players.js';
import { readCloudFile } from '../readers/read-cloud.js';
import { PCD_DIR } from './paths.js';

/** The bundled monitor_0466 cloud, normalised, with 10 random players of 30 regions (seed 5). */
export function monitorRegions() {
  const cloud = normalizeCloud(readCloudFile(join(PCD_DIR, 'monitor_0466.pcd'))).cloud;
  const players = buildRegionPlayers(cloud, {
    regions: 30,
    players: 10,
    rule: 'random',
    seed: 5,
    key: 'monitor',
  });
  return { cloud, players };
}
