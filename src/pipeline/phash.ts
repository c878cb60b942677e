/**
 * The 64-bit DCT perceptual hash used to spot near-copies among an asset's drafts and outputs:
 * a 32×32 luma grid, its 8×8 lowest DCT frequencies, one bit per coefficient above their median.
 * Pure arithmetic on pixels, so the sharp path and the pure-JavaScript benchmark share it.
 */

/** Side of the luma grid the hash is computed from. */
export const HASH_GRID = 32;
/** Side of the block of low frequencies kept: 8 × 8 = 64 bits. */
const LOW = 8;

/** Orthonormal DCT-II basis rows c(u)·cos((2x + 1) u π / 2N) for u < 8, x < 32: the only ones the hash needs. */
const BASIS: Float64Array = (() => {
  const basis = new Float64Array(LOW * HASH_GRID);
  for (let u = 0; u < LOW; u++) {
    const scale = Math.sqrt((u === 0 ? 1 : 2) / HASH_GRID);
    for (let x = 0; x < HASH_GRID; x++) basis[u * HASH_GRID + x] = scale * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_GRID));
  }
  return basis;
})();

/** Hash of a 32×32 row-major luma grid, as 16 hex digits (first digit = lowest frequencies). */
export function perceptualHash(grid: ArrayLike<number>): string {
  if (grid.length !== HASH_GRID * HASH_GRID) throw new RangeError(`perceptual hash needs a ${HASH_GRID}×${HASH_GRID} grid, got ${grid.length} values`);
  // Separable DCT: 32 rows → 8 horizontal frequencies each, then 8 columns → 8 vertical frequencies.
  const rows = new Float64Array(HASH_GRID * LOW);
  for (let y = 0; y < HASH_GRID; y++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let x = 0; x < HASH_GRID; x++) sum += (grid[y * HASH_GRID + x] as number) * (BASIS[u * HASH_GRID + x] as number);
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < HASH_GRID; y++) sum += (rows[y * LOW + u] as number) * (BASIS[v * HASH_GRID + y] as number);
      coefficients[v * LOW + u] = sum;
    }
  }
  // The DC term (overall brightness) is left out of the median so that the threshold follows structure.
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = ((ac[31] as number) + (ac[32] as number)) / 2;
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) {
      const i = nibble * 4 + bit;
      value = (value << 1) | ((coefficients[i] as number) > median ? 1 : 0);
    }
    hex += value.toString(16);
  }
  return hex;
}

const HEX64 = /^[0-9a-f]{16}$/i;
const POPCOUNT = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Bits that differ between two 16-hex-digit perceptual hashes (0 = same picture, 64 = opposite). */
export function hammingDistance(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new RangeError(`perceptual hashes are 16 hex digits, got "${a}" and "${b}"`);
  let distance = 0;
  for (let i = 0; i < 16; i++) distance += POPCOUNT[parseInt(a[i] as string, 16) ^ parseInt(b[i] as string, 16)] as number;
  return distance;
}

/**
 * Averages a width × height single-channel image (stride `channels`, first channel read) down to
 * the 32×32 hash grid, each output cell the exact area mean of the pixels it covers.
 */
export function areaAverageToGrid(pixels: ArrayLike<number>, width: number, height: number, channels = 1): Float64Array {
  const xs = areaWeights(width, HASH_GRID);
  const ys = areaWeights(height, HASH_GRID);
  const horizontal = new Float64Array(height * HASH_GRID);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let ox = 0; ox < HASH_GRID; ox++) {
      let sum = 0;
      for (const [x, w] of xs[ox] as [number, number][]) sum += (pixels[(row + x) * channels] as number) * w;
      horizontal[y * HASH_GRID + ox] = sum;
    }
  }
  const grid = new Float64Array(HASH_GRID * HASH_GRID);
  for (let oy = 0; oy < HASH_GRID; oy++) {
    for (let ox = 0; ox < HASH_GRID; ox++) {
      let sum = 0;
      for (const [y, w] of ys[oy] as [number, number][]) sum += (horizontal[y * HASH_GRID + ox] as number) * w;
      grid[oy * HASH_GRID + ox] = sum;
    }
  }
  return grid;
}

/** For each output index, the input indices it overlaps and their share of its width (summing to 1). */
function areaWeights(inSize: number, outSize: number): [number, number][][] {
  const scale = inSize / outSize;
  const weights: [number, number][][] = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * scale;
    const end = start + scale;
    const cell: [number, number][] = [];
    for (let i = Math.floor(start); i < Math.min(inSize, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) cell.push([i, overlap / scale]);
    }
    weights.push(cell);
  }
  return weights;
}
