"""Static files are precompressed quickly enough for a node to start at once."""

from __future__ import annotations

import brotli

from govhub.core.static_storage import QuickCompressor, StaticFilesStorage


def test_source_maps_are_not_compressed_and_scripts_are_in_both_codings(tmp_path):
    # given
    script = tmp_path / "app.js"
    script.write_text("function hello() { return 'hello'; }\n" * 200)
    source_map = tmp_path / "app.js.map"
    source_map.write_text('{"version": 3, "mappings": "AAAA"}' * 200)
    compressor = StaticFilesStorage(location=str(tmp_path)).create_compressor(quiet=True)
    # when
    made = [
        name
        for path in (script, source_map)
        if compressor.should_compress(str(path))
        for name in compressor.compress(str(path))
    ]
    # then
    assert sorted(made) == [f"{script}.br", f"{script}.gz"]
    assert brotli.decompress((tmp_path / "app.js.br").read_bytes()) == script.read_bytes()


def test_the_quick_brotli_decodes_to_the_file():
    data = b"GovHub " * 10_000
    assert brotli.decompress(QuickCompressor.compress_brotli(data)) == data
