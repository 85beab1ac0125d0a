#!/usr/bin/env python3
"""Writes the reader fixtures of @orderlens/pointcloud from a bundled ModelNet10 PCD, with numpy
only, so the TypeScript readers are checked against files written by an independent writer.

    python3 packages/pointcloud/test-fixtures/make_fixtures.py

Source: data/modelnet10/pcd/chair_0890.pcd (binary PCD, 1,024 float32 points). Outputs here:
chair_0890.ply (binary little-endian), chair_0890_ascii.ply, chair_0890.xyz, chair_0890_ascii.pcd
(same points, `%.9g` text so float32 values survive exactly), and box_2x3x4.off, a 2×3×4 box of
quads in ModelNet's run-together header style (`OFF8 6 0`).
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', 'data', 'modelnet10', 'pcd', 'chair_0890.pcd')

raw = open(SRC, 'rb').read()
body = raw.index(b'DATA binary\n') + len(b'DATA binary\n')
pts = np.frombuffer(raw[body:], dtype='<f4').reshape(-1, 3)
assert pts.shape == (1024, 3)
n = len(pts)
txt = lambda p: ' '.join('%.9g' % v for v in p)

header = 'ply\nformat %s 1.0\ncomment from chair_0890.pcd\nelement vertex %d\nproperty float x\nproperty float y\nproperty float z\nend_header\n'
with open(os.path.join(HERE, 'chair_0890.ply'), 'wb') as f:
    f.write((header % ('binary_little_endian', n)).encode())
    f.write(pts.astype('<f4').tobytes())
with open(os.path.join(HERE, 'chair_0890_ascii.ply'), 'w') as f:
    f.write(header % ('ascii', n))
    f.writelines(txt(p) + '\n' for p in pts)
with open(os.path.join(HERE, 'chair_0890.xyz'), 'w') as f:
    f.writelines(txt(p) + '\n' for p in pts)
with open(os.path.join(HERE, 'chair_0890_ascii.pcd'), 'w') as f:
    f.write('# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\n'
            'COUNT 1 1 1\nWIDTH %d\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS %d\nDATA ascii\n' % (n, n))
    f.writelines(txt(p) + '\n' for p in pts)

box = np.array([[x, y, z] for z in (0, 4) for y in (0, 3) for x in (0, 2)], dtype=float)
quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
with open(os.path.join(HERE, 'box_2x3x4.off'), 'w') as f:
    f.write('OFF8 6 0\n')
    f.writelines('%g %g %g\n' % tuple(v) for v in box)
    f.writelines('4 %d %d %d %d\n' % tuple(q) for q in quads)
print('wrote fixtures to', HERE)
