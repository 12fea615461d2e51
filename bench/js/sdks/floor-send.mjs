// The baseline plus the flush policy's request (see floor_batcher.mjs).
import { floorSdk } from './floor_batcher.mjs';

window.benchSdk = floorSdk({ persist: false });
