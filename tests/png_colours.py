"""Checks that a PNG screenshot shows each of the given colours (hex, e.g. 2b6cb0) on at
least a few hundred pixels: proof that the charts were drawn. Standard library only."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, kind = 8, b"", 0, 0, 0
    while pos < len(data):
        length, chunk = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if chunk == b"IHDR":
            width, height, depth, kind = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and kind in (2, 6), "8-bit RGB or RGBA expected"
        elif chunk == b"IDAT":
            idat += body
        pos += 12 + length
    size = 3 if kind == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    previous, out = bytearray(stride), []
    for row in range(height):
        start = row * (stride + 1)
        kind_of_filter, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind_of_filter == 1:
                line[i] = (line[i] + left) & 255
            elif kind_of_filter == 2:
                line[i] = (line[i] + up) & 255
            elif kind_of_filter == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind_of_filter == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        out.extend(tuple(line[i:i + 3]) for i in range(0, stride, size))
        previous = line
    return out


def main():
    path, colours = sys.argv[1], sys.argv[2:]
    seen = pixels(path)
    for colour in colours:
        rgb = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
        count = sum(1 for p in seen if all(abs(a - b) <= 6 for a, b in zip(p, rgb)))
        assert count >= 300, f"colour #{colour} on {count} pixels: the chart was not drawn"
        print(f"#{colour}: {count} pixels")


main()
