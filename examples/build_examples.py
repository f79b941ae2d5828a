"""Write the example exports in examples/exports/, the dial results for their leads in
examples/calls/ and examples/recheck/, and clients and sales for them (run once; files are committed).

Each file imitates a real source in its real shape: encodings, separators, title rows, notes sheets,
phones in every form analysts meet. The same firms recur across files, as they do in real bases.
The dial results call those firms' numbers, written the way each dialer writes them.

The CRM's client list (examples/crm/) and two sales exports (examples/sales/) feed ``leadkit classify``.

    python examples/build_examples.py            # everything
    python examples/build_examples.py exports    # only the exports
    python examples/build_examples.py calls      # only the dial results
    python examples/build_examples.py classify   # only the clients and sales
"""

from __future__ import annotations

import codecs
import datetime as dt
import sys
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent / "exports"
CALLS = Path(__file__).resolve().parent / "calls"
RECHECK = Path(__file__).resolve().parent / "recheck"
CRM = HERE.parent / "crm"
SALES = HERE.parent / "sales"
NBSP = "\u00a0"


def two_gis_parser() -> None:
    """2GIS parser export: UTF-8 with BOM, comma, Телефон 1..N, a quoted description with commas and a newline."""
    rows = [
        [
            "Наименование",
            "Описание",
            "Рубрики",
            "Адрес",
            "Почтовый индекс",
            "Город",
            "Регион",
            "Страна",
            "Телефон 1",
            "Телефон 2",
            "Телефон 3",
            "E-mail 1",
            "Веб-сайт 1",
            "Широта",
            "Долгота",
            "2GIS URL",
        ],
        [
            "Ромашка, цветочный салон",
            "Доставка цветов, букеты\nи композиции",
            "Цветы; Доставка цветов",
            "Тверская улица, 12",
            "125009",
            "Москва",
            "Москва",
            "Россия",
            "84951234567",
            "89161234567 (Ольга)",
            "",
            "info@romashka-flowers.ru",
            "http://www.romashka-flowers.ru/",
            "55.7601",
            "37.6087",
            "https://2gis.ru/moscow/firm/70000001000001",
        ],
        [
            "Вектор, ООО",
            "Грузоперевозки",
            "Грузоперевозки",
            "Варшавское шоссе, 1 ст6",
            "117105",
            "Москва",
            "Москва",
            "Россия",
            "84957771122",
            "84957771100 (ресепшн БЦ)",
            "",
            "",
            "vektor-gruz.ru",
            "55.70",
            "37.62",
            "https://2gis.ru/moscow/firm/70000001000002",
        ],
        [
            "Вектор-М",
            "Металлопрокат",
            "Металлопрокат",
            "Варшавское шоссе, 1 ст6",
            "117105",
            "Москва",
            "Москва",
            "Россия",
            "84957771100 (ресепшн БЦ)",
            "84959990011",
            "",
            "sales@vektor-m.ru",
            "",
            "55.70",
            "37.62",
            "https://2gis.ru/moscow/firm/70000001000003",
        ],
        [
            "Бухгалтерия Плюс",
            "Бухгалтерские услуги",
            "Бухгалтерские услуги",
            "Варшавское шоссе, 1 ст6",
            "117105",
            "Москва",
            "Москва",
            "Россия",
            "84957771100 (ресепшн БЦ)",
            "",
            "",
            "buh-plus@mail.ru",
            "",
            "55.70",
            "37.62",
            "https://2gis.ru/moscow/firm/70000001000004",
        ],
        [
            "Автосервис на Ленина",
            "Ремонт, шиномонтаж",
            "Автосервисы",
            "улица Ленина, 5",
            "141014",
            "Мытищи",
            "Московская область",
            "Россия",
            "8 (495) 586-12-34 доб. 12",
            "нет",
            "",
            "",
            "",
            "55.91",
            "37.73",
            "https://2gis.ru/moscow/firm/70000001000005",
        ],
        [
            "ИП Соколова Анна Петровна",
            "Маникюр",
            "Ногтевые студии",
            "Профсоюзная, 3",
            "117292",
            "Москва",
            "Москва",
            "Россия",
            "89031112233",
            "",
            "",
            "sokolova.nails@yandex.ru",
            "",
            "55.68",
            "37.56",
            "https://2gis.ru/moscow/firm/70000001000006",
        ],
        [
            "Кофейня Зёрна",
            "",
            "Кофейни",
            "Мясницкая, 20",
            "101000",
            "Москва",
            "Москва",
            "Россия",
            "+7 (495) 123-45-00",
            "",
            "",
            "",
            "zerna-coffee.ru",
            "55.76",
            "37.63",
            "https://2gis.ru/moscow/firm/70000001000007",
        ],
    ]
    text = "\n".join(",".join(_quote(c) for c in row) for row in rows) + "\n"
    (HERE / "moscow").mkdir(parents=True, exist_ok=True)
    (HERE / "moscow" / "2gis_moscow.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))


def two_gis_desktop() -> None:
    """Older 2GIS desktop converter: cp1251, ';', all phones in one cell joined by ','."""
    rows = [
        [
            "Название организации",
            "Раздел",
            "Подраздел",
            "Рубрика",
            "Телефоны",
            "Факсы",
            "Email",
            "Сайт",
            "Город",
            "Адрес",
        ],
        [
            "ООО «Татнефтесервис»",
            "Промышленность",
            "Нефтегаз",
            "Нефтесервис",
            "8 (843) 231-00-01, 8 (843) 231-00-02",
            "8 (843) 231-00-09",
            "office@tatns.ru",
            "www.tatns.ru",
            "г. Казань",
            "ул. Баумана, 10",
        ],
        [
            "Ёлочка, детский сад",
            "Образование",
            "Детские сады",
            "Детские сады",
            "8 (843) 555-66-77",
            "",
            "",
            "",
            "г. Казань",
            "ул. Пушкина, 1",
        ],
        [
            'OOO "Pомашка"',
            "Торговля",
            "Цветы",
            "Цветы",
            "+7 (843) 200-30-40 / 8 917 123 45 67",
            "",
            "",
            "",
            "Казань",
            "ул. Кремлёвская, 2",
        ],
        [
            "Шиномонтаж 24",
            "Авто",
            "Шиномонтаж",
            "Шиномонтаж",
            "уточнить",
            "",
            "",
            "",
            "Казань",
            "пр. Победы, 100",
        ],
        [
            "Алматы Трейд ТОО",
            "Торговля",
            "Опт",
            "Оптовая торговля",
            "8 (701) 123-45-67, 8 (727) 250-00-00",
            "",
            "info@almatytrade.kz",
            "almatytrade.kz",
            "Алматы",
            "пр. Абая, 15",
        ],
    ]
    text = _semicolon_text(rows)
    (HERE / "2gis_desktop_kazan.csv").write_bytes(text.encode("cp1251"))


def google_maps() -> None:
    """Google Maps scraper: UTF-8, comma, national-format phones, e-mails joined by ', '."""
    header = [
        "input_id",
        "link",
        "title",
        "category",
        "address",
        "open_hours",
        "website",
        "phone",
        "plus_code",
        "review_count",
        "review_rating",
        "latitude",
        "longitude",
        "cid",
        "status",
        "emails",
    ]
    rows = [
        [
            "1",
            "https://maps.google.com/?cid=111",
            "Ромашка",
            "Магазин цветов",
            "Тверская ул., 12, Москва, 125009",
            "{}",
            "https://romashka-flowers.ru/",
            "8 (495) 123-45-67",
            "",
            "134",
            "4.8",
            "55.7601",
            "37.6087",
            "111",
            "",
            "info@romashka-flowers.ru, zakaz@romashka-flowers.ru",
        ],
        [
            "1",
            "https://maps.google.com/?cid=222",
            "Кофейня «Зерна»",
            "Кофейня",
            "Мясницкая ул., 20, Москва",
            "{}",
            "",
            "8 (495) 123-45-00",
            "",
            "58",
            "4.6",
            "55.76",
            "37.63",
            "222",
            "",
            "",
        ],
        [
            "2",
            "https://maps.google.com/?cid=333",
            "Невский Пекарь",
            "Пекарня",
            "Невский пр., 100, Санкт-Петербург, 191025",
            "{}",
            "",
            "8 (812) 333-22-11",
            "",
            "12",
            "4.1",
            "59.93",
            "30.36",
            "333",
            "",
            '=HYPERLINK("http://example.invalid")',
        ],
        [
            "2",
            "https://maps.google.com/?cid=444",
            "Балтийский Вектор",
            "Грузоперевозки",
            "Лиговский пр., 50, Санкт-Петербург",
            "{}",
            "baltvektor.ru",
            "8 (812) 600-70-80",
            "",
            "3",
            "3.9",
            "59.92",
            "30.35",
            "444",
            "",
            "",
        ],
    ]
    text = "\n".join(",".join(_quote(c) for c in row) for row in [header, *rows]) + "\n"
    (HERE / "google_maps_spb.csv").write_text(text, encoding="utf-8")


def yandex_maps() -> None:
    """Yandex Maps export in XLSX: a title block above the header, phones one per line, a notes sheet."""
    workbook = xlsxwriter.Workbook(str(HERE / "yandex_maps.xlsx"))
    sheet = workbook.add_worksheet("Организации")
    sheet.write(0, 0, "Выгрузка из Яндекс Карт")
    sheet.write(1, 0, "Запрос: цветы Москва, дата: 12.11.2026")
    header = ["Название", "Адрес", "Телефон(ы)", "Сайт", "Категория", "Рейтинг"]
    sheet.write_row(3, 0, header)
    rows = [
        [
            "Цветочный салон «Ромашка»",
            "Москва, Тверская улица, 12",
            "+7 (495) 123-45-67\n+7 (916) 123-45-67",
            "romashka-flowers.ru",
            "Магазин цветов",
            4.8,
        ],
        ["Флора", "Москва, Арбат, 7", "+7 (495) 765-43-21", "", "Магазин цветов", 4.2],
        [
            "Зёрна",
            "Москва, Мясницкая улица, 20",
            "+7 (495) 123-45-00",
            "zerna-coffee.ru",
            "Кофейня",
            4.6,
        ],
    ]
    for i, row in enumerate(rows, start=4):
        sheet.write_row(i, 0, row)
    sheet.write(8, 0, "Вектор")
    sheet.write_number(8, 2, 84957771122)  # a phone stored as a number by the exporter
    sheet.write(8, 1, "Москва, Варшавское шоссе, 1с6")
    notes = workbook.add_worksheet("Примечания")
    notes.write(0, 0, "Данные выгружены вручную, телефоны не проверялись.")
    workbook.close()


def legal_directory() -> None:
    """Legal-entity directory in XLSX: long-form names, INN as numbers and as text with a leading zero."""
    workbook = xlsxwriter.Workbook(str(HERE / "kontur_directory.xlsx"))
    sheet = workbook.add_worksheet("Компании")
    header = [
        "Полное наименование",
        "ИНН",
        "ОГРН",
        "Регион",
        "Адрес",
        "Телефон",
        "E-mail",
        "Руководитель",
    ]
    sheet.write_row(0, 0, header)
    rows = [
        [
            'Общество с ограниченной ответственностью "Ромашка"',
            7704123450,
            1027700132195,
            "г. Москва",
            "125009, г. Москва, ул. Тверская, д. 12",
            "+74951234567",
            "info@romashka-flowers.ru",
            "Иванова Мария Сергеевна",
        ],
        [
            'Общество с ограниченной ответственностью "Вектор"',
            7726123453,
            1157746123457,
            "г. Москва",
            "117105, г. Москва, Варшавское ш., д. 1, стр. 6",
            "8 (495) 777-11-22",
            "",
            "Петров Олег Ильич",
        ],
        [
            'Общество с ограниченной ответственностью "Вектор"',
            5003123458,
            1195081012345,
            "Московская область",
            "142718, Московская обл., пос. Развилка, д. 3",
            "8 (495) 444-55-66",
            "",
            "Сидоров Павел Андреевич",
        ],
        [
            "Индивидуальный предприниматель Соколова Анна Петровна",
            "771234567859",
            304500116000180,
            "г. Москва",
            "г. Москва",
            "8-903-111-22-33",
            "",
            "Соколова Анна Петровна",
        ],
        [
            'Акционерное общество "Татнефтесервис"',
            "0278123453",
            1020202345679,
            "Республика Татарстан",
            "420111, г. Казань, ул. Баумана, д. 10",
            "",
            "office@tatns.ru",
            "Хабибуллин Ринат Маратович",
        ],
    ]
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, value)
    workbook.close()


def bought_base() -> None:
    """A bought base saved as Excel 'Unicode text': UTF-16 LE with BOM, tab-separated, odd headers."""
    rows = [
        ["Org", "Tel1", "Tel2", "Town", "Comment"],
        ["ООО Ромашка", "8-495-123-45-67", "", "Москва", "клиент конкурента"],
        ["Вектор ООО", "7 495 777 11 22", "8 495 777 11 00", "Москва", ""],
        ["ЗАО «Стройинвест»", "+7 (000) 000-00-00", "123-45-67", "Екатеринбург", "номера старые"],
        ["Стройинвест", "8 (343) 300-40-50", "", "Екатеринбург", ""],
        ["Невский пекарь", "8 812 333 22 11", "", "СПб", "звонить после 12"],
    ]
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    (HERE / "bought_base.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))


def _quote(cell: str, separator: str = ",") -> str:
    if any(ch in cell for ch in (separator, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _semicolon_text(rows: list[list[str]], width: int = 0) -> str:
    """Rows as a ``;``-separated text with CRLF line ends (how 1C and Russian Excel save CSV), each
    row filled to ``width`` cells."""
    return "".join(
        ";".join(_quote(c, ";") for c in row + [""] * (width - len(row))) + "\r\n" for row in rows
    )


def asterisk_master() -> None:
    """The office autodialer's Asterisk Master.csv: no header, 18 columns (with uniqueid and userfield,
    where the dialplan stores ${HANGUPCAUSE}); dst as the dialer dials (8 + ten digits)."""
    calls = [
        # dst, start, answered seconds, disposition, hangup cause
        ("84951234567", "2026-11-25 10:02:11", 95, "ANSWERED", "16"),
        ("89161234567", "2026-11-25 10:04:40", 0, "NO ANSWER", "19"),
        ("84957771122", "2026-11-25 10:05:02", 0, "FAILED", "1"),
        ("84957771100", "2026-11-25 10:06:15", 0, "BUSY", "17"),
        ("84954445566", "2026-11-25 10:07:30", 0, "FAILED", "1"),
        ("84959990011", "2026-11-25 10:09:01", 41, "ANSWERED", "16"),
        ("84955861234", "2026-11-25 10:11:45", 120, "ANSWERED", "16"),
        ("84957654321", "2026-11-25 10:14:20", 0, "FAILED", "22"),
        ("84951234500", "2026-11-25 10:15:05", 0, "FAILED", ""),  # trunk fault: tells nothing
        ("89031112233", "2026-11-25 10:16:40", 0, "NO ANSWER", "19"),
        ("89031112233", "2026-11-26 15:30:12", 63, "ANSWERED", "16"),
    ]
    lines = []
    for number, (dst, start, billsec, disposition, cause) in enumerate(calls, start=1):
        unique = f"17640{number:05d}.{number}"
        answer = start if billsec else ""
        row = [
            "",
            "1000",
            dst,
            "autodialer",
            '"Автообзвон" <1000>',
            f"Local/{dst}@autodialer-{number:08x};1",
            f"SIP/trunk-{number:08x}" if disposition != "FAILED" else "",
            "Dial",
            f"SIP/trunk/{dst},45",
            start,
            answer,
            start,
            str(billsec + 5),
            str(billsec),
            disposition,
            "DOCUMENTATION",
            unique,
            cause,
        ]
        lines.append(",".join(f'"{_quote_all(c)}"' for c in row))
    folder = CALLS / "asterisk"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Master.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def cloud_pbx_calls() -> None:
    """A cloud PBX's call log (Russian export): UTF-8 with BOM, ';', numbers as the operator typed them."""
    rows = [
        ["Дата и время", "Номер клиента", "Результат", "Длительность", "Оператор"],
        ["20.11.2026 11:15", "8 (495) 123-45-67", "Не отвечает", "0", "Ольга"],
        ["26.11.2026 12:01", "8 (843) 231-00-01", "Отвечен", "154", "Ольга"],
        ["26.11.2026 12:03", "8 (843) 231-00-02", "Номер не существует", "0", "Ольга"],
        ["26.11.2026 12:05", "8 (843) 555-66-77", "Не тот абонент", "35", "Ольга"],
        ["26.11.2026 12:09", "+7 (843) 200-30-40", "Занято", "0", "Ольга"],
        ["26.11.2026 12:10", "8 917 123-45-67", "Не отвечает", "0", "Ольга"],
        ["26.11.2026 12:14", "8 (701) 123-45-67", "Номер не обслуживается", "0", "Айгуль"],
        ["26.11.2026 12:15", "+7 727 250 00 00", "Номер не существует", "0", "Айгуль"],
        ["26.11.2026 12:20", "8 (343) 300-40-50", "Отвечен", "88", "Игорь"],
        ["26.11.2026 12:22", "8 (812) 333-22-11", "Отвечен", "61", "Игорь"],
        ["26.11.2026 12:25", "8 (812) 600-70-80", "Абонент временно заблокирован", "0", "Игорь"],
    ]
    text = _semicolon_text(rows)
    CALLS.mkdir(exist_ok=True)
    (CALLS / "pbx_calls_2026-11.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))


def cloud_pbx_recheck() -> None:
    """The PBX report of the re-dial campaign six months later, which examples/check_pbx_report.py
    reads: some dead numbers came back to life, others did not."""
    rows = [
        ["Дата и время", "Номер клиента", "Результат", "Длительность", "Оператор"],
        ["31.05.2027 10:01", "8 (495) 777-11-22", "Отвечен", "47", "Ольга"],
        ["31.05.2027 10:03", "8 (495) 444-55-66", "Номер не существует", "0", "Ольга"],
        ["31.05.2027 10:04", "8 (495) 765-43-21", "Не отвечает", "0", "Ольга"],
        ["31.05.2027 10:06", "8 (843) 231-00-02", "Номер не существует", "0", "Ольга"],
        ["31.05.2027 10:08", "8 (843) 555-66-77", "Отвечен", "95", "Ольга"],
        ["31.05.2027 10:10", "8 (701) 123-45-67", "Отвечен", "30", "Айгуль"],
    ]
    text = _semicolon_text(rows)
    RECHECK.mkdir(exist_ok=True)
    (RECHECK / "pbx_report_2027-05.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))


def _quote_all(cell: str) -> str:
    return cell.replace('"', '""')


def crm_clients() -> None:
    """The CRM's client list (Bitrix24-style export: UTF-8 with BOM, ';'): channel and potential of
    the example firms that are clients, potential written as managers type it."""
    rows = [
        [
            "ID",
            "Компания",
            "ИНН",
            "Код клиента",
            "Канал продаж",
            "Потенциал, руб.",
            "Ответственный",
        ],
        ["1", 'АО "Татнефтесервис"', "0278123453", "000101", "Опт", "12 000 000", "Петров"],
        ["2", "ООО «Ромашка»", "7704123450", "000102", "Опт", f"3{NBSP}000{NBSP}000", "Петров"],
        ["3", "ООО «Вектор»", "7726123453", "000103", "Опт", "1 500 000,00 руб.", "Сидорова"],
        ["4", "ООО «Вектор»", "5003123458", "000104", "Опт", "800 000", "Сидорова"],
        ["5", "ЗАО «Стройинвест»", "", "000105", "Опт", "", "Петров"],
        ["6", "ТОО «Алматы Трейд»", "", "000106", "Опт", "5 000 000 ₽", "Сидорова"],
        ["7", "ИП Соколова Анна Петровна", "771234567859", "000107", "Розница", "300 000", "Ким"],
        ["8", "Кофейня «Зерна»", "", "000108", "Розница", "600\u202f000", "Ким"],
        ["9", "Невский пекарь", "", "000109", "Розница", "1 200 000", "Ким"],
        ["10", "Флора", "", "000110", "Розница", "250 000", "Ким"],
        ["11", "Автосервис на Ленина", "", "000111", "Розница", "150 000", "Ким"],
        ["12", "Бухгалтерия Плюс", "", "000112", "Розница", "-", "Ким"],
    ]
    text = _semicolon_text(rows)
    CRM.mkdir(exist_ok=True)
    (CRM / "clients.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))


# 1C "Валовая прибыль предприятия" grouped by client: (client, INN, [(date, document, qty, revenue, cost)]).
_SALES_1C: list[tuple[str, str, list[tuple[str, str, int, float, float]]]] = [
    (
        'АО "Татнефтесервис"',
        "0278123453",
        [
            (
                "20.11.2025",
                "Реализация товаров и услуг ТД00-000311 от 20.11.2025 10:12:40",
                30,
                1_500_000,
                1_150_000,
            ),
            (
                "10.02.2026",
                "Реализация товаров и услуг ТД00-000027 от 10.02.2026 9:30:00",
                48,
                2_400_000,
                1_800_000,
            ),
            (
                "15.06.2026",
                "Реализация товаров и услуг ТД00-000148 от 15.06.2026 14:05:11",
                36,
                1_800_000,
                1_350_000,
            ),
            (
                "05.10.2026",
                "Реализация товаров и услуг ТД00-000260 от 05.10.2026 11:45:00",
                12,
                600_000,
                450_000,
            ),
        ],
    ),
    (
        'ООО "Ромашка"',
        "7704123450",
        [
            (
                "15.01.2026",
                "Реализация товаров и услуг ТД00-000004 от 15.01.2026 12:00:00",
                400,
                1_000_000,
                800_000,
            ),
            (
                "20.03.2026",
                "Реализация товаров и услуг ТД00-000061 от 20.03.2026 16:20:00",
                360,
                900_000,
                700_000,
            ),
            (
                "25.03.2026",
                "Возврат товаров от клиента ТД00-000003 от 25.03.2026 10:00:00",
                -20,
                -50_000,
                -40_000,
            ),
            (
                "01.09.2026",
                "Реализация товаров и услуг ТД00-000201 от 01.09.2026 8:55:00",
                100,
                250_000,
                190_000,
            ),
        ],
    ),
    (
        'ООО "Вектор"',
        "7726123453",
        [
            (
                "02.04.2026",
                "Реализация товаров и услуг ТД00-000090 от 02.04.2026 13:00:00",
                15,
                900_000,
                720_000,
            )
        ],
    ),
    (
        'ООО "Вектор"',
        "5003123458",
        [
            (
                "01.07.2025",
                "Реализация товаров и услуг ТД00-000170 от 01.07.2025 10:00:00",
                5,
                300_000,
                240_000,
            )
        ],
    ),
    (
        "Вектор ООО",
        "",
        [
            (
                "07.07.2026",
                "Реализация товаров и услуг ТД00-000177 от 07.07.2026 17:40:00",
                1,
                20_000,
                15_000,
            )
        ],
    ),
    (
        'ЗАО "Стройинвест"',
        "",
        [
            (
                "12.05.2026",
                "Реализация товаров и услуг ТД00-000120 от 12.05.2026 10:30:00",
                80,
                400_000,
                430_000,
            ),
            (
                "30.08.2026",
                "Реализация товаров и услуг ТД00-000199 от 30.08.2026 15:10:00",
                30,
                150_000,
                180_000,
            ),
        ],
    ),
    (
        'ТОО "Алматы Трейд"',
        "",
        [
            (
                "03.03.2026",
                "Реализация товаров и услуг ТД00-000044 от 03.03.2026 9:00:00",
                10,
                600_000,
                555_000,
            )
        ],
    ),
    (
        'ООО "Лютик"',
        "7701234561",
        [
            (
                "06.06.2026",
                "Реализация товаров и услуг ТД00-000140 от 06.06.2026 12:12:12",
                25,
                75_000,
                50_000,
            )
        ],
    ),
    (
        "Кофейня Зерна",
        "",
        [
            (
                "14.02.2026",
                "Реализация товаров и услуг ТД00-000031 от 14.02.2026 10:00:00",
                60,
                120_000,
                70_000,
            ),
            (
                "03.11.2026",
                "Реализация товаров и услуг ТД00-000266 от 03.11.2026 10:00:00",
                45,
                90_000,
                52_000,
            ),
        ],
    ),
    (
        "Невский пекарь",
        "",
        [
            (
                "20.01.2026",
                "Реализация товаров и услуг ТД00-000009 от 20.01.2026 11:00:00",
                40,
                80_000,
                50_000,
            )
        ],
    ),
    (
        "Бухгалтерия Плюс",
        "",
        [
            (
                "10.03.2025",
                "Реализация товаров и услуг ТД00-000052 от 10.03.2025 10:00:00",
                3,
                45_000,
                20_000,
            )
        ],
    ),
    (
        "Автосервис на Ленина",
        "",
        [
            (
                "09.09.2025",
                "Реализация товаров и услуг ТД00-000240 от 09.09.2025 10:00:00",
                12,
                60_000,
                35_000,
            ),
            (
                "15.01.2026",
                "Возврат товаров от клиента ТД00-000001 от 15.01.2026 9:15:00",
                -2,
                -10_000,
                -6_000,
            ),
        ],
    ),
    (
        "Розничный покупатель",
        "",
        [
            (
                "11.04.2026",
                "Отчет о розничных продажах ТД00-000012 от 11.04.2026 21:00:00",
                7,
                8_400,
                5_100,
            ),
            (
                "12.04.2026",
                "Отчет о розничных продажах ТД00-000013 от 12.04.2026 21:00:00",
                5,
                6_100,
                3_700,
            ),
        ],
    ),
]


def _money_1c(value: float) -> str:
    """An amount as 1C writes it: no-break spaces between thousands, a decimal comma."""
    return f"{value:,.2f}".replace(",", NBSP).replace(".", ",")


def sales_1c() -> None:
    """1C:УТ "Валовая прибыль предприятия" saved as CSV: cp1251, ';', a title block, a grouping row
    per client (with its subtotals) above its documents, returns as negative rows, a final "Итого"."""
    width = 9
    lines = [
        ["Валовая прибыль предприятия"],
        [],
        ["Параметры:", "Период: 01.01.2025 - 31.12.2026"],
        ["Отбор:", 'Организация Равно "Торговый дом Флора и Ко"'],
        ["Показатели:", "Выручка, Себестоимость, Валовая прибыль, Рентабельность"],
        [],
        [
            "Контрагент",
            "ИНН",
            "Дата",
            "Документ",
            "Количество",
            "Выручка",
            "Себестоимость",
            "Валовая прибыль",
            "Рентабельность, %",
        ],
    ]

    def amounts(qty: int, revenue: float, cost: float) -> list[str]:
        margin = (revenue - cost) / revenue * 100 if revenue else 0.0
        return [
            str(qty),
            _money_1c(revenue),
            _money_1c(cost),
            _money_1c(revenue - cost),
            f"{margin:.2f}".replace(".", ","),
        ]

    totals = [0, 0.0, 0.0]
    for client, inn, documents in _SALES_1C:
        qty = sum(d[2] for d in documents)
        revenue = sum(d[3] for d in documents)
        cost = sum(d[4] for d in documents)
        totals = [totals[0] + qty, totals[1] + revenue, totals[2] + cost]
        lines.append([client, inn, "", "", *amounts(qty, revenue, cost)])
        for day, document, q, r, c in documents:
            lines.append(["", "", day, document, *amounts(q, r, c)])
    lines.append(["Итого", "", "", "", *amounts(int(totals[0]), totals[1], totals[2])])
    SALES.mkdir(exist_ok=True)
    text = _semicolon_text(lines, width)
    (SALES / "1c_valovaya_pribyl_2025-2026.csv").write_bytes(text.encode("cp1251"))


def shop_orders() -> None:
    """The online shop's order export (XLSX, English headers): real dates and numbers, a margin column
    and no cost, the customer's id as a number (its leading zeros gone)."""
    book = xlsxwriter.Workbook(str(SALES / "shop_orders_2026.xlsx"))
    book.set_properties({"created": dt.datetime(2026, 12, 31, 12, 0, 0)})  # the same bytes each run
    sheet = book.add_worksheet("Orders")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["Order No", "Order date", "Customer", "Customer ID", "Amount", "Margin"])
    orders = [
        ("S-1001", dt.datetime(2026, 3, 8), "Соколова Анна", 107, 45_000.0, 18_000.0),
        ("S-1002", dt.datetime(2026, 5, 5), "Невский пекарь", 109, 200_000.0, 70_000.0),
        ("S-1003", dt.datetime(2026, 5, 5), "Невский пекарь", 109, 50_000.0, 20_000.0),
        ("S-1004", dt.datetime(2026, 12, 20), "Соколова Анна", 107, 75_000.0, 30_000.0),
        ("S-1005", dt.datetime(2027, 1, 10), "Кофейня Зерна", 108, 30_000.0, 10_000.0),
    ]
    for row, (number, day, customer, code, amount, margin) in enumerate(orders, start=1):
        sheet.write_string(row, 0, number)
        sheet.write_datetime(row, 1, day, dates)
        sheet.write_string(row, 2, customer)
        sheet.write_number(row, 3, code)
        sheet.write_number(row, 4, amount, money)
        sheet.write_number(row, 5, margin, money)
    book.close()


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("all", "exports"):
        HERE.mkdir(exist_ok=True)
        two_gis_parser()
        two_gis_desktop()
        google_maps()
        yandex_maps()
        legal_directory()
        bought_base()
    if what in ("all", "calls"):
        asterisk_master()
        cloud_pbx_calls()
        cloud_pbx_recheck()
    if what in ("all", "classify"):
        crm_clients()
        sales_1c()
        shop_orders()
