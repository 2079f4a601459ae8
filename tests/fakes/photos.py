"""Photos and videos as phones make them, with the details a reporter must not leak.

Made here with Pillow (no binary test files): a JPEG with GPS, the phone's make and
model, the time it was taken, an orientation flag, XMP, an ICC profile and a comment;
a PNG with text chunks; and the first bytes of HEIC and MP4 files, which is all the
bot looks at for those.
"""

from __future__ import annotations

import io

from PIL import ExifTags, Image, ImageCms

SECRETS = (b"Pixel 7", b"Google", b"2026:03:14", b"secret-xmp", b"Kodak", b"front door")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="40,42.77N" '
    b'tiff:Model="secret-xmp"/></rdf:RDF></x:xmpmeta>'
)


def phone_jpeg(width: int = 64, height: int = 32, *, orientation: int = 6) -> bytes:
    """A JPEG stored sideways, as phones store them: the left half red, the right blue,
    with orientation 6 ("turn 90° clockwise to show")."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = "Pixel 7"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:03:14 09:26:53"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2026:03:14 09:26:53"
    details[ExifTags.Base.BodySerialNumber] = "Kodak-123"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 42.0, 46.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (74.0, 0.0, 21.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif, xmp=XMP, icc_profile=icc, comment=b"front door")
    return out.getvalue()


def png_with_text(width: int = 40, height: int = 30) -> bytes:
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (width, height), (0, 128, 0, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "front door")
    info.add_text("Software", "Pixel 7")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def big_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    image = Image.effect_noise((width, height), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


# What the bot reads of these formats is their first bytes; the rest may be anything.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 500
PDF = b"%PDF-1.7\n" + b"\x00" * 100
