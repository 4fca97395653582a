"""The one spreadsheet writer (core.exports): a sheet named after a title with characters Excel refuses in a sheet
name still gives a file that opens; numbers stay numbers and decimals get a comma in CSV."""

import io

from openpyxl import load_workbook

from core.exports import file_response


def test_a_title_with_forbidden_characters_names_the_sheet_without_them():
    response = file_response(["Onderwerp", "Aandeel"], [["Alfa", 66.7]], name="x", fmt="xlsx",
                             sheet="Meerjarige contracten: startjaar/looptijd [Tabel 2.2]")
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.title == "Meerjarige contracten startjaar"  # 31 characters at most, no ':' or '/'
    assert [list(r) for r in book.active.iter_rows(values_only=True)] == [["Onderwerp", "Aandeel"], ["Alfa", 66.7]]


def test_csv_writes_decimals_with_a_comma():
    response = file_response(["Onderwerp", "Aandeel"], [["Alfa", 66.7], ["Beta", 3]], name="x", fmt="csv")
    assert response.content.decode("utf-8-sig").splitlines() == ["Onderwerp;Aandeel", "Alfa;66,7", "Beta;3"]
