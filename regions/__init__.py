"""The DKI Jakarta region tree (kota, kecamatan, kelurahan by Kemendagri code). Imports no app:
everything else places itself in a region."""
