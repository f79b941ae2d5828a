"""Generate a labelled Russian-market lead benchmark: messy exports of known companies, at any size.

leadkit's cleaning and deduplication need data where the right answer is known, and nothing like it
is public. This builds a universe of companies (valid INN/OGRN, phones, addresses), lets each appear
in one to five exports in the shapes users bring (2GIS, an old 2GIS desktop converter, a Google Maps
scraper, a legal-entity directory, a bought base), writes every appearance the messy way such exports
do, and plants the traps that fool matchers: shared reception numbers, stale numbers, namesakes in one
city, branches. Same seed, same data.

    python -m leadkit.testing.generate --n 100000 --seed 1 --out benchmarks/data/100k --stats
"""

from __future__ import annotations

import argparse
import bisect
import functools
import gc
import itertools
import json
import operator
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import yaml

from leadkit import columns as C

_T = TypeVar("_T")

__all__ = [
    "SOURCE_NAMES",
    "GeneratedLeads",
    "generate",
    "generate_leads",
    "write_exports",
]


class _Random(random.Random):
    """random.Random with cheap draws: choice/randint/randrange cost ~10x more than random()."""

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.random() * len(items))]

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(sep))


# --------------------------------------------------------------------------------------------------
# Vocabulary. Benchmark-only (leadkit never reads it), so it stays next to the code that uses it.
# Every string must encode in cp1251: the 2GIS desktop export is written in it.


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    weight: float
    inn_region: str | None  # None: not a Russian tax region (Kazakhstan)
    landline_codes: tuple[str, ...]
    postcode_prefix: str
    region: str
    lat: float
    lon: float
    slug: str
    spellings: tuple[str, ...]  # how a bought base writes the town


_CITIES: tuple[_City, ...] = (
    _City("Москва", 28, "77", ("495", "499"), "12", "Москва", 55.7558, 37.6173, "msk",
          ("Москва", "г. Москва", "МОСКВА", "Мск", "москва")),
    _City("Санкт-Петербург", 12, "78", ("812",), "19", "Санкт-Петербург", 59.9343, 30.3351, "spb",
          ("Санкт-Петербург", "СПб", "С-Петербург", "Питер", "г. Санкт-Петербург")),
    _City("Казань", 5, "16", ("843",), "420", "Республика Татарстан", 55.7961, 49.1064, "kzn",
          ("Казань", "г.Казань", "КАЗАНЬ")),
    _City("Екатеринбург", 6, "66", ("343",), "620", "Свердловская область", 56.8389, 60.6057,
          "ekb", ("Екатеринбург", "Екб", "г. Екатеринбург")),
    _City("Новосибирск", 5, "54", ("383",), "630", "Новосибирская область", 55.0084, 82.9357,
          "nsk", ("Новосибирск", "Нск", "г. Новосибирск")),
    _City("Нижний Новгород", 4, "52", ("831",), "603", "Нижегородская область", 56.2965, 43.9361,
          "nn", ("Нижний Новгород", "Н.Новгород", "Н. Новгород")),
    _City("Самара", 3, "63", ("846",), "443", "Самарская область", 53.1959, 50.1002, "smr",
          ("Самара", "г. Самара")),
    _City("Ростов-на-Дону", 4, "61", ("863",), "344", "Ростовская область", 47.2357, 39.7015,
          "rnd", ("Ростов-на-Дону", "Ростов", "Ростов-на-дону")),
    _City("Краснодар", 5, "23", ("861",), "350", "Краснодарский край", 45.0355, 38.9753, "krd",
          ("Краснодар", "г. Краснодар")),
    _City("Челябинск", 3, "74", ("351",), "454", "Челябинская область", 55.1644, 61.4368, "chel",
          ("Челябинск",)),
    _City("Уфа", 3, "02", ("347",), "450", "Республика Башкортостан", 54.7388, 55.9721, "ufa",
          ("Уфа", "г. Уфа")),
    _City("Пермь", 3, "59", ("342",), "614", "Пермский край", 58.0105, 56.2502, "perm",
          ("Пермь",)),
    _City("Воронеж", 3, "36", ("473",), "394", "Воронежская область", 51.6720, 39.1843, "vrn",
          ("Воронеж",)),
    _City("Волгоград", 2, "34", ("8442",), "400", "Волгоградская область", 48.7080, 44.5133,
          "vlg", ("Волгоград",)),
    _City("Омск", 2, "55", ("3812",), "644", "Омская область", 54.9885, 73.3242, "omsk",
          ("Омск",)),
    _City("Красноярск", 3, "24", ("391",), "660", "Красноярский край", 56.0153, 92.8932, "krsk",
          ("Красноярск",)),
    _City("Тюмень", 2, "72", ("3452",), "625", "Тюменская область", 57.1530, 65.5343, "tmn",
          ("Тюмень",)),
    _City("Алматы", 2.5, None, ("727",), "050", "Алматы", 43.2220, 76.8512, "almaty",
          ("Алматы", "Алма-Ата", "г. Алматы")),
    _City("Астана", 1.5, None, ("7172",), "010", "Астана", 51.1694, 71.4491, "astana",
          ("Астана", "Нур-Султан", "г. Астана")),
)  # fmt: skip

#: Landline codes whose local part has six digits, not seven.
_FOUR_DIGIT_CODES = frozenset({"8442", "3812", "3452", "7172"})
#: First digit of a local number that the numbering plan allows (Almaty: only 2x and 3x).
_LOCAL_FIRST_DIGITS = {"727": "23"}
_RU_MOBILE = _words(
    "900 901 903 905 906 909 910 911 912 913 915 916 917 918 919 920 921 922 925 926 927 929 "
    "950 951 952 953 960 961 962 963 964 965 967 968 977 978 980 981 982 983 985 987 988 989 "
    "991 992 993 995 996 999"
)
_KZ_MOBILE = _words("700 701 702 705 707 708 747 771 775 776 777 778")

_STREETS = _words(
    "Ленина, Мира, Советская, Гагарина, Пушкина, Кирова, Московская, Садовая, Лесная, "
    "Заводская, Новая, Школьная, Центральная, Молодёжная, Октябрьская, Первомайская, "
    "Комсомольская, Пролетарская, Матросова, Чапаева, Суворова, Кутузова, Жукова, Маяковского, "
    "Лермонтова, Чехова, Толстого, Горького, Гоголя, Некрасова, Тургенева, Крылова, Ломоносова, "
    "Менделеева, Королёва, Циолковского, Калинина, Свердлова, Дзержинского, Фрунзе, Куйбышева, "
    "Карла Маркса, Энгельса, Луначарского, Тверская, Профсоюзная, Вавилова, Ленинградская, "
    "Победы, Строителей, Энтузиастов, Рабочая, Полевая, Луговая, Солнечная, Светлая, Зелёная, "
    "Береговая, Трудовая, Мичурина, Павлова, Вокзальная, Красная, Революции, Партизанская, "
    "Сибирская, Уральская, Южная, Северная, Промышленная, Станционная, Большая Садовая",
    sep=",",
)
_KZ_STREETS = _words(
    "Абая, Достык, Сейфуллина, Толе би, Фурманова, Жибек Жолы, Кенесары, Республики, "
    "Кабанбай батыра, Богенбай батыра, Розыбакиева, Тимирязева",
    sep=",",
)
#: (short, long) kinds of street with how often each occurs.
_STREET_KINDS = (("ул.", "улица"), ("пр-кт", "проспект"), ("пер.", "переулок"), ("б-р", "бульвар"),
                 ("ш.", "шоссе"), ("наб.", "набережная"))  # fmt: skip
_STREET_KIND_WEIGHTS = (75, 10, 7, 3, 3, 2)

_BRAND_WORDS = _words(
    "Ромашка Вектор Альфа Гарант Меридиан Престиж Лидер Фортуна Прогресс Стимул Союз Старт Орион "
    "Атлант Весна Радуга Сфера Эталон Альянс Виктория Феникс Импульс Магистраль Гранит Кедр Берёзка "
    "Ёлочка Солнышко Алёнушка Рассвет Восход Заря Парус Маяк Континент Горизонт Спектр Аврора Олимп "
    "Титан Полюс Базис Актив Ресурс Капитал Профи Мастер Эксперт Стандарт Оптима Максимум Новатор "
    "Регион Сибирь Урал Волга Дельта Омега Гамма Сигма Квант Фактор Формат Контур Каскад Триумф "
    "Успех Удача Надежда Любава Ника Арсенал Бастион Форпост Терем Уют Светоч Искра Звезда "
    "Созвездие Галактика Планета Космос Комета Луч Лотос Магнолия Жасмин Лилия Камелия Акация "
    "Рябинка Калинка Черёмушки Дубрава Родник Исток Кристалл Алмаз Изумруд Сапфир Янтарь Малахит "
    "Агат Рубин Топаз Бриз Пассат Атлас Глобус Ориентир Компас Навигатор Пилот Штурман Фрегат "
    "Ковчег Гавань Причал Пристань Вертикаль Параллель Азимут Зенит Вершина Эверест Эльбрус Байкал "
    "Ладога Енисей Ангара Амур Кубань Полёт Звёздочка Светлячок Колосок Подсолнух Теремок Лукоморье "
    "Гефест Гермес Прометей Аргон Неон Ирбис Сокол Беркут Кречет Барс Медведь Сова Пеликан Альбатрос"
)
_COMPOUND_HEADS = _words(
    "Строй Техно Агро Авто Мед Пром Энерго Газ Нефте Транс Торг Металл Хим Электро Тепло Водо Лес "
    "Эко Био Инфо Телеком Сиб Урал Волга Дон Нева Евро Рус Интер Гео Спец Проф Мега Бизнес Финанс "
    "Стандарт Снаб Мебель Кабель Пласт"
)
_COMPOUND_TAILS = _words(
    "Инвест Сервис Трейд Снаб Комплект Монтаж Проект Строй Групп Систем Логистик Маркет Торг Пром "
    "Ресурс Капитал Альянс Холдинг Консалт Технологии Центр Мир Лайн Плюс Вест Норд Юг Сбыт "
    "Поставка Деталь Маш Мех Лидер Инжиниринг"
)
_NAME_ENDINGS = (
    "-М", "-Т", "-1", "-2000", "-98", " Плюс", " Про", "-Групп", " Инжиниринг", "-Урал", "-Сибирь",
    "-Юг", "-Центр", "-Сервис", " XXI", "-Трейд", "-Строй", "-Авто", "-Регион", "-Н", "+", " 24",
)  # fmt: skip
_LATIN_TAILS = _words("Group Trade Pro Lab Service Systems Logistics Consulting Company Solutions")
_GROUP_PREFIXES = ("Торговый дом", "ТД", "Группа компаний", "ГК", "Производственная компания",
                   "Компания", "Фирма")  # fmt: skip

_SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв "
    "Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов "
    "Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов "
    "Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов "
    "Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев "
    "Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников "
    "Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин "
    "Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов "
    "Анисимов Еремин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов "
    "Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронцов Аксёнов Гаврилин Зуев Рыбаков "
    "Шевченко Ковальчук Бондаренко Ткаченко Кравченко Ким Цой Черных Седых Островский Покровский "
    "Вишневский Ахметов Галиев Хабибуллин Сафин Гарипов Юсупов Нуриев Исмаилов Алиев Мамедов "
    "Сулейманов Каримов Рахимов Абдуллаев Ибрагимов Толстой"
)
#: First name : patronymic (male) : patronymic (female).
_MALE_NAMES = tuple(
    tuple(s.split(":"))
    for s in _words(
        "Александр:Александрович:Александровна Сергей:Сергеевич:Сергеевна "
        "Дмитрий:Дмитриевич:Дмитриевна Андрей:Андреевич:Андреевна Алексей:Алексеевич:Алексеевна "
        "Иван:Иванович:Ивановна Михаил:Михайлович:Михайловна Николай:Николаевич:Николаевна "
        "Владимир:Владимирович:Владимировна Евгений:Евгеньевич:Евгеньевна "
        "Павел:Павлович:Павловна Артём:Артёмович:Артёмовна Максим:Максимович:Максимовна "
        "Юрий:Юрьевич:Юрьевна Олег:Олегович:Олеговна Виктор:Викторович:Викторовна "
        "Игорь:Игоревич:Игоревна Роман:Романович:Романовна Денис:Денисович:Денисовна "
        "Антон:Антонович:Антоновна Константин:Константинович:Константиновна "
        "Пётр:Петрович:Петровна Семён:Семёнович:Семёновна Григорий:Григорьевич:Григорьевна "
        "Анатолий:Анатольевич:Анатольевна Вячеслав:Вячеславович:Вячеславовна "
        "Геннадий:Геннадьевич:Геннадьевна Василий:Васильевич:Васильевна Борис:Борисович:Борисовна "
        "Леонид:Леонидович:Леонидовна Валерий:Валерьевич:Валерьевна Станислав:Станиславович:"
        "Станиславовна Руслан:Русланович:Руслановна Ильдар:Ильдарович:Ильдаровна "
        "Рустам:Рустамович:Рустамовна Тимур:Тимурович:Тимуровна Фёдор:Фёдорович:Фёдоровна "
        "Кирилл:Кириллович:Кирилловна Илья:Ильич:Ильинична Ярослав:Ярославович:Ярославовна"
    )
)
_FEMALE_NAMES = _words(
    "Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Марина Людмила Галина "
    "Надежда Оксана Анастасия Алёна Вера Любовь Валентина Евгения Дарья Ксения Виктория Жанна Лариса "
    "Гульнара Альфия Диана Алина Кристина Полина"
)


@dataclass(frozen=True, slots=True)
class _Category:
    rubric: str  # 2GIS "Рубрики"
    descriptor: str  # what 2GIS writes after a name: "Ромашка, цветочный салон"
    section: str  # 2GIS desktop "Раздел"
    activities: tuple[str, ...]  # words a name of such a business starts with


_CATEGORIES: tuple[_Category, ...] = (
    _Category("Цветы", "цветочный салон", "Торговля", ("Цветочный салон", "Цветы", "Флористика")),
    _Category("Детские сады", "детский сад", "Образование", ("Детский сад", "Частный детский сад")),
    _Category("Автосервисы", "автосервис", "Авто", ("Автосервис", "Автотехцентр", "СТО")),
    _Category("Стоматологические клиники", "стоматология", "Медицина",
              ("Стоматология", "Стоматологическая клиника")),
    _Category("Строительные материалы", "строительные материалы", "Строительство",
              ("Стройматериалы", "Строительный двор")),
    _Category("Грузоперевозки", "грузоперевозки", "Транспорт", ("Грузоперевозки", "Транспортная компания")),
    _Category("Кафе", "кафе", "Общепит", ("Кафе", "Кофейня")),
    _Category("Рестораны", "ресторан", "Общепит", ("Ресторан", "Бар", "Пиццерия")),
    _Category("Салоны красоты", "салон красоты", "Красота",
              ("Салон красоты", "Студия красоты", "Парикмахерская")),
    _Category("Юридические услуги", "юридическая компания", "Услуги",
              ("Юридическая компания", "Юридическое бюро")),
    _Category("Бухгалтерские услуги", "бухгалтерская компания", "Услуги",
              ("Бухгалтерия", "Бухгалтерское бюро")),
    _Category("Клининговые услуги", "клининговая компания", "Услуги", ("Клининг",)),
    _Category("Агентства недвижимости", "агентство недвижимости", "Недвижимость",
              ("Агентство недвижимости", "Недвижимость")),
    _Category("Мебель", "мебельная фабрика", "Производство", ("Мебель", "Мебельная фабрика", "Кухни")),
    _Category("Окна", "окна", "Строительство", ("Окна", "Окна и двери")),
    _Category("Туристические агентства", "турагентство", "Туризм", ("Турагентство", "Туры")),
    _Category("Фитнес-клубы", "фитнес-клуб", "Спорт", ("Фитнес-клуб", "Спортклуб")),
    _Category("Ветеринарные клиники", "ветклиника", "Медицина",
              ("Ветклиника", "Ветеринарная клиника")),
    _Category("Аптеки", "аптека", "Медицина", ("Аптека",)),
    _Category("Медицинские центры", "медицинский центр", "Медицина", ("Медицинский центр", "Клиника")),
    _Category("Рекламные агентства", "рекламное агентство", "Услуги", ("Рекламное агентство",)),
    _Category("Типографии", "типография", "Производство", ("Типография",)),
    _Category("Автозапчасти", "автозапчасти", "Авто", ("Автозапчасти", "Автомагазин")),
    _Category("Шиномонтаж", "шиномонтаж", "Авто", ("Шиномонтаж",)),
    _Category("Продуктовые магазины", "продукты", "Торговля", ("Продукты", "Минимаркет")),
    _Category("Гостиницы", "гостиница", "Туризм", ("Гостиница", "Отель", "Хостел")),
    _Category("Ремонт квартир", "ремонтная компания", "Строительство", ("Ремонт квартир",)),
    _Category("Оптовая торговля", "оптовая компания", "Торговля", ()),
    _Category("Производственные предприятия", "производственная компания", "Производство", ()),
    _Category("Металлопрокат", "металлобаза", "Промышленность", ("Металлобаза",)),
    _Category("IT-компании", "IT-компания", "Услуги", ()),
    _Category("Кадровые агентства", "кадровое агентство", "Услуги", ("Кадровое агентство",)),
)  # fmt: skip

#: Short legal form -> long form, as a directory spells it.
_LONG_FORMS = {
    "ООО": "Общество с ограниченной ответственностью",
    "АО": "Акционерное общество",
    "ПАО": "Публичное акционерное общество",
    "ЗАО": "Закрытое акционерное общество",
    "ОАО": "Открытое акционерное общество",
    "МУП": "Муниципальное унитарное предприятие",
    "ГУП": "Государственное унитарное предприятие",
    "АНО": "Автономная некоммерческая организация",
    "ТОО": "Товарищество с ограниченной ответственностью",
    "ИП": "Индивидуальный предприниматель",
}
_RU_FORMS = (("ООО", 58), ("ИП", 25), ("АО", 5), ("ЗАО", 3), ("ОАО", 1.5), ("ПАО", 0.5),
             ("МУП", 1), ("ГУП", 0.5), ("АНО", 1))  # fmt: skip
_KZ_FORMS = (("ТОО", 70), ("ИП", 30))

_QUOTES = (('"', '"'), ("«", "»"), ("", ""), ("“", "”"), ("'", "'"), ("„", "“"))
_QUOTE_WEIGHTS = (40, 30, 20, 5, 3, 2)
_PUBLIC_MAIL = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "ya.ru",
                "rambler.ru")  # fmt: skip
_MAILBOXES = ("info", "office", "sales", "zakaz", "mail", "buh", "secretary", "hello")
_CHANNELS = ("Опт", "Розница", "HoReCa", "Дилеры", "Интернет-магазин", "Госзаказ")
_PHONE_NOTES = (" (секретарь)", " (бухгалтерия)", " (отдел продаж)", " факс", " (менеджер Ольга)",
                " (склад)")  # fmt: skip
_NO_PHONE = ("нет", "-", "не указан", "нет телефона")
_OPEN_HOURS = ("Пн-Пт 09:00-18:00", "Ежедневно 10:00-22:00", "Круглосуточно",
               "Пн-Сб 09:00-20:00", "Пн-Пт 08:00-17:00; Сб 10:00-15:00")  # fmt: skip
_BB_COMMENTS = ("перезвонить", "не интересно", "дорого", "ЛПР в отпуске", "отправили КП",
                "нет на месте")  # fmt: skip

_LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсух", "ABEKMHOPCTXaeopcyx")
_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        "ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "",
        "ь": "", "ю": "yu", "я": "ya",
    }
)  # fmt: skip
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# --------------------------------------------------------------------------------------------------
# The exports, in the shapes users bring them (see DOMAIN.md). ``fields`` says which columns feed
# which lead field: what `leadkit import` should find by header synonyms (or by the map for the
# bought base); the in-memory table is built from exactly this.


@dataclass(frozen=True, slots=True)
class _Export:
    name: str
    headers: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    encoding: str  # "utf-8-sig", "utf-8", "cp1251", "utf-16"
    separator: str


_2GIS = _Export(
    "2gis.csv",
    ("Наименование", "Описание", "Рубрики", "Адрес", "Комментарий к адресу", "Почтовый индекс",
     "Город", "Регион", "Страна", "Часы работы", "Телефон 1", "Телефон 2", "Телефон 3",
     "E-mail 1", "Веб-сайт 1", "Широта", "Долгота", "2GIS URL", "Тип"),
    {C.COMPANY: ("Наименование",), C.PHONE_RAW: ("Телефон 1", "Телефон 2", "Телефон 3"),
     C.EMAIL: ("E-mail 1",), C.WEBSITE: ("Веб-сайт 1",), C.CITY: ("Город",),
     C.ADDRESS: ("Адрес",), C.CATEGORY: ("Рубрики",)},
    "utf-8-sig",
    ",",
)  # fmt: skip
_2GIS_DESKTOP = _Export(
    "2gis_desktop.csv",
    ("Название организации", "Раздел", "Подраздел", "Рубрика", "Город", "Адрес", "Телефоны",
     "Факсы", "Email", "Сайт"),
    {C.COMPANY: ("Название организации",), C.PHONE_RAW: ("Телефоны",), C.EMAIL: ("Email",),
     C.WEBSITE: ("Сайт",), C.CITY: ("Город",), C.ADDRESS: ("Адрес",), C.CATEGORY: ("Рубрика",)},
    "cp1251",
    ";",
)  # fmt: skip
_GOOGLE = _Export(
    "google_maps.csv",
    ("title", "category", "address", "open_hours", "website", "phone", "review_count",
     "review_rating", "latitude", "longitude", "cid", "status", "emails"),
    {C.COMPANY: ("title",), C.PHONE_RAW: ("phone",), C.EMAIL: ("emails",),
     C.WEBSITE: ("website",), C.ADDRESS: ("address",), C.CATEGORY: ("category",)},
    "utf-8",
    ",",
)  # fmt: skip
_DIRECTORY = _Export(
    "directory.csv",
    ("Полное наименование", "ИНН", "ОГРН", "Регион", "Адрес", "Телефон", "E-mail", "Руководитель"),
    {C.COMPANY: ("Полное наименование",), C.INN: ("ИНН",), C.OGRN: ("ОГРН",), C.CITY: ("Регион",),
     C.ADDRESS: ("Адрес",), C.PHONE_RAW: ("Телефон",), C.EMAIL: ("E-mail",),
     C.CONTACT: ("Руководитель",)},
    "utf-8-sig",
    ";",
)  # fmt: skip
_BOUGHT = _Export(
    "bought_base.txt",
    ("Org", "Tel1", "Tel2", "Town", "INN", "Segment", "Potential", "Comment"),
    {C.COMPANY: ("Org",), C.PHONE_RAW: ("Tel1", "Tel2"), C.CITY: ("Town",), C.INN: ("INN",),
     C.CHANNEL: ("Segment",), C.POTENTIAL: ("Potential",)},
    "utf-16",
    "\t",
)  # fmt: skip

#: In the order `leadkit import` reads a directory (sorted path order), so lead_ids line up.
_EXPORTS: tuple[_Export, ...] = tuple(
    sorted((_2GIS, _2GIS_DESKTOP, _GOOGLE, _DIRECTORY, _BOUGHT), key=lambda x: x.name)
)
SOURCE_NAMES: tuple[str, ...] = tuple(x.name for x in _EXPORTS)
_EXPORT_BY_NAME = {x.name: x for x in _EXPORTS}
#: How likely an appearance of a company is to be in each export.
_SOURCE_WEIGHTS = {_2GIS.name: 30, _GOOGLE.name: 25, _DIRECTORY.name: 18, _BOUGHT.name: 15,
                   _2GIS_DESKTOP.name: 12}  # fmt: skip
#: How many exports a company appears in: mostly 1-2, a tail up to 5.
_APPEARANCE_WEIGHTS = (50, 30, 12, 6, 2)
_XLSX_SHEET = "Организации"
_XLSX_TITLE_ROWS = 2  # a title line and a blank line above the header, as directories export
_XLSX_MAX_ROWS = 200_000


# --------------------------------------------------------------------------------------------------
# Identifiers with correct check digits.


def _check_digit(digits: str, weights: Sequence[int]) -> str:
    # ASCII codes of the digits, less 48 times the weights: the weighted digit sum, quickly
    total = sum(map(operator.mul, digits.encode(), weights)) - 48 * sum(weights)
    return str(total % 11 % 10)


_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_legal(rng: _Random, region: str) -> str:
    """A valid 10-digit INN of a legal entity registered in ``region`` (two digits)."""
    body = f"{region}{rng.between(1, 51):02d}{rng.below(100_000):05d}"
    return body + _check_digit(body, _INN10_W)


def inn_person(rng: _Random, region: str) -> str:
    """A valid 12-digit INN of a person (an individual entrepreneur)."""
    body = f"{region}{rng.between(1, 51):02d}{rng.below(1_000_000):06d}"
    body += _check_digit(body, _INN12_W1)
    return body + _check_digit(body, _INN12_W2)


def ogrn_legal(rng: _Random, region: str) -> str:
    """A valid 13-digit OGRN: sign, year, region, record; check = (first 12 mod 11) mod 10."""
    body = f"{rng.pick('15')}{rng.between(2, 24):02d}{region}{rng.below(10_000_000):07d}"
    return body + str(int(body) % 11 % 10)


def ogrnip(rng: _Random, region: str) -> str:
    """A valid 15-digit OGRNIP: check = (first 14 mod 13) mod 10."""
    body = f"3{rng.between(4, 24):02d}{region}{rng.below(1_000_000_000):09d}"
    return body + str(int(body) % 13 % 10)


def ogrnip_is_valid(value: str) -> bool:
    """Whether a 15-digit OGRNIP has the right check digit (python-stdnum gets this one wrong)."""
    return len(value) == 15 and value.isdigit() and int(value[:14]) % 13 % 10 == int(value[14])


# --------------------------------------------------------------------------------------------------
# Phones: kept as the 10-digit national number; written in whatever form an export uses.


def _code_length(national: str) -> int:
    return 4 if national[:4] in _FOUR_DIGIT_CODES else 3


def _format_phone(national: str, style: int) -> str:
    """One phone as exports write it; styles 0-9 are the forms seen in the wild."""
    cut = _code_length(national)
    code, local = national[:cut], national[cut:]
    if len(local) == 7:
        dashed, spaced = (
            f"{local[:3]}-{local[3:5]}-{local[5:]}",
            f"{local[:3]} {local[3:5]} {local[5:]}",
        )
    else:
        dashed, spaced = (
            f"{local[:2]}-{local[2:4]}-{local[4:]}",
            f"{local[:2]} {local[2:4]} {local[4:]}",
        )
    if style == 0:
        return "8" + national
    if style == 1:
        return f"8 ({code}) {dashed}"
    if style == 2:
        return f"+7 {code} {spaced}"
    if style == 3:
        return f"+7 ({code}) {dashed}"
    if style == 4:
        return f"7 ({code}) {local}"
    if style == 5:
        return national
    if style == 6:
        return f"8-{code}-{dashed}"
    if style == 7:
        return "+7" + national
    if style == 8:
        return f"({code}) {dashed}"
    return f"8 {code} {local}"


def _fragment(national: str) -> str:
    """A broken phone: the local part without its code, or a number cut short."""
    cut = _code_length(national)
    local = national[cut:]
    if len(local) == 7:
        return f"{local[:3]}-{local[3:5]}-{local[5:]}"
    return f"8 ({national[:cut]}) {local[:4]}"


# --------------------------------------------------------------------------------------------------
# The universe of companies.


@dataclass(slots=True)
class _Entity:
    entity_id: str
    city: int
    category: int
    form: str
    name: str  # the legal name without the form ("Ромашка"); an IP's full name for an IP
    brand: str | None  # a different trading name that maps show, when there is one
    person: tuple[str, str, str]  # surname, first name, patronymic: the IP or the director
    street: str
    street_kind: int
    house: str
    office: str | None
    postcode: str
    phones: list[str] = field(default_factory=list)
    extension: str | None = None
    inn: str | None = None
    ogrn: str | None = None
    domain: str | None = None
    email: str | None = None
    channel: str | None = None
    potential: int | None = None
    appearances: int = 1  # planned
    records: int = 0  # made: the last company may be cut short to give exactly n rows


class _Weighted:
    """Pick from items by weight with one random() call (faster than random.choices for one)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self._items = tuple(items)
        self._cum = list(itertools.accumulate(weights))
        self._total = self._cum[-1]

    def __call__(self, rng: _Random) -> Any:
        return self._items[bisect.bisect_right(self._cum, rng.random() * self._total)]


_CITY_CUM = list(itertools.accumulate(c.weight for c in _CITIES))
_RU_FORM_NAMES = [f for f, _ in _RU_FORMS]
_RU_FORM_CUM = list(itertools.accumulate(w for _, w in _RU_FORMS))
_KZ_FORM_NAMES = [f for f, _ in _KZ_FORMS]
_KZ_FORM_CUM = list(itertools.accumulate(w for _, w in _KZ_FORMS))
_STREET_KIND_CUM = list(itertools.accumulate(_STREET_KIND_WEIGHTS))
_APPEARANCE_CUM = list(itertools.accumulate(_APPEARANCE_WEIGHTS))
_PICK_KIND = _Weighted(range(len(_STREET_KINDS)), _STREET_KIND_WEIGHTS)
_PICK_QUOTES = _Weighted(_QUOTES, _QUOTE_WEIGHTS)


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname


def _person(rng: _Random) -> tuple[str, str, str]:
    surname = rng.pick(_SURNAMES)
    first, patronymic_m, patronymic_f = rng.pick(_MALE_NAMES)
    if rng.random() < 0.7:
        return surname, first, patronymic_m
    return _feminine(surname), rng.pick(_FEMALE_NAMES), patronymic_f


def _trade_name(rng: _Random, category: _Category, city: _City) -> str:
    """A business name from realistic parts: a few very common ones, a long tail of rare ones."""
    roll = rng.random()
    if category.activities and roll < 0.2:
        activity = rng.pick(category.activities)
        if roll < 0.06:
            streets = _KZ_STREETS if city.inn_region is None else _STREETS
            return f"{activity} на {rng.pick(streets)}"
        if roll < 0.09:
            return f"{activity} {rng.pick(_FEMALE_NAMES)}"
        return f"{activity} {_brand(rng)}"
    roll = rng.random()
    if roll < 0.05:
        return rng.pick(_BRAND_WORDS)  # the many Ромашки and Векторы
    if roll < 0.09:
        surname = rng.pick(_SURNAMES)
        if surname.endswith(("ов", "ев", "ин")) and rng.random() < 0.5:
            return f"Братья {surname}ы"
        return f"{surname} и партнёры"
    if roll < 0.17:
        inner = rng.pick(_BRAND_WORDS) if roll < 0.12 else _brand(rng)
        return f'{rng.pick(_GROUP_PREFIXES)} "{inner}"'
    if roll < 0.25:
        latin = _slug(_compound(rng) if roll < 0.22 else rng.pick(_BRAND_WORDS)).replace("-", "")
        return f"{latin.capitalize()} {rng.pick(_LATIN_TAILS)}"
    return _brand(rng)


def _brand(rng: _Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.pick(_BRAND_WORDS) + _ending(rng)
    if roll < 0.27:
        return f"{rng.pick(_BRAND_WORDS)}-{rng.pick(_BRAND_WORDS)}"
    if roll < 0.45:
        return rng.pick(_COMPOUND_HEADS) + _compound(rng)
    name = _compound(rng)
    return name + _ending(rng) if rng.random() < 0.6 else name


def _ending(rng: _Random) -> str:
    return f"-{rng.between(1, 99)}" if rng.random() < 0.3 else rng.pick(_NAME_ENDINGS)


def _compound(rng: _Random) -> str:
    head, tail = rng.pick(_COMPOUND_HEADS), rng.pick(_COMPOUND_TAILS)
    roll = rng.random()
    if roll < 0.6:
        return head + tail
    if roll < 0.9:
        return head + tail.lower()
    return f"{head}-{tail}"


@functools.cache  # names repeat; the universe is built once per run
def _slug(name: str) -> str:
    text = name.lower().replace("торговый дом", "td").replace("группа компаний", "gk")
    return _NOT_SLUG.sub("-", text.translate(_TRANSLIT)).strip("-")


def _build_entities(rng: _Random, n: int, stats: Counter[str]) -> list[_Entity]:
    """Companies enough for about ``n`` appearances, with the namesake and shared-phone traps."""
    entities: list[_Entity] = []
    used_inn: set[str] = set()
    used_ogrn: set[str] = set()
    used_phone: set[str] = set()
    # the draws every company needs, in bulk: random.choices is far cheaper than one call each
    appearances = rng.choices(range(1, 6), cum_weights=_APPEARANCE_CUM, k=n)
    count = bisect.bisect_left(list(itertools.accumulate(appearances)), n) + 1
    cities = rng.choices(range(len(_CITIES)), cum_weights=_CITY_CUM, k=count)
    categories = rng.choices(range(len(_CATEGORIES)), k=count)
    ru_forms = rng.choices(_RU_FORM_NAMES, cum_weights=_RU_FORM_CUM, k=count)
    kz_forms = rng.choices(_KZ_FORM_NAMES, cum_weights=_KZ_FORM_CUM, k=count)
    kinds = rng.choices(range(len(_STREET_KINDS)), cum_weights=_STREET_KIND_CUM, k=count)
    houses = rng.choices(range(1, 151), k=count)
    for index in range(count):
        city_i = cities[index]
        city = _CITIES[city_i]
        cat_i = categories[index]
        form = ru_forms[index] if city.inn_region else kz_forms[index]
        person = _person(rng)
        if form == "ИП":
            name = " ".join(person)
            brand = _trade_name(rng, _CATEGORIES[cat_i], city) if rng.random() < 0.4 else None
        else:
            name = _trade_name(rng, _CATEGORIES[cat_i], city)
            # a chain or a shop whose sign is not its legal name: maps show the sign
            brand = _trade_name(rng, _CATEGORIES[cat_i], city) if rng.random() < 0.06 else None
        streets = _STREETS if city.inn_region else _KZ_STREETS
        house = str(houses[index])
        if rng.random() < 0.15:
            house += rng.pick(("А", "Б", " к1", " корп. 2", " стр. 1", "/2"))
        digits = 6 - len(city.postcode_prefix)
        postcode = f"{city.postcode_prefix}{rng.below(10**digits):0{digits}d}"
        office = None
        if rng.random() < 0.35:
            office = str(rng.between(1, 12) * 100 + rng.between(1, 30))
        entity = _Entity(
            entity_id=f"e{index:07d}",
            city=city_i,
            category=cat_i,
            form=form,
            name=name,
            brand=brand,
            person=person,
            street=rng.pick(streets),
            street_kind=kinds[index],
            house=house,
            office=office,
            postcode=postcode,
            appearances=appearances[index],
        )
        _add_identifiers(rng, entity, city, used_inn, used_ogrn)
        _add_phones(rng, entity, city, used_phone)
        if rng.random() < 0.4:
            entity.channel = rng.pick(_CHANNELS)
            entity.potential = rng.between(1, 500) * 10_000
        entities.append(entity)
    _plant_namesakes(rng, entities, stats)
    _plant_shared_phones(rng, entities, used_phone, stats)
    used_domains: set[str] = set()
    for entity in entities:
        _add_web(rng, entity, used_domains)
    return entities


def _add_identifiers(
    rng: _Random, entity: _Entity, city: _City, used_inn: set[str], used_ogrn: set[str]
) -> None:
    region = city.inn_region
    if region is None:
        return  # a Kazakh company has a BIN, not an INN; Russian directories do not list it
    make_inn, make_ogrn = (inn_person, ogrnip) if entity.form == "ИП" else (inn_legal, ogrn_legal)
    while (inn := make_inn(rng, region)) in used_inn:
        pass
    while (ogrn := make_ogrn(rng, region)) in used_ogrn:
        pass
    used_inn.add(inn)
    used_ogrn.add(ogrn)
    entity.inn, entity.ogrn = inn, ogrn


def _new_phone(rng: _Random, city: _City, mobile: bool, used: set[str]) -> str:
    while True:
        if mobile:
            code = rng.pick(_RU_MOBILE if city.inn_region else _KZ_MOBILE)
        else:
            code = rng.pick(city.landline_codes)
        first = rng.pick(_LOCAL_FIRST_DIGITS.get(code, "2345679"))
        national = f"{code}{first}{rng.below(10 ** (9 - len(code))):0{9 - len(code)}d}"
        if national not in used:
            used.add(national)
            return national


def _add_phones(rng: _Random, entity: _Entity, city: _City, used: set[str]) -> None:
    count = 1 if rng.random() < 0.55 else (2 if rng.random() < 0.67 else 3)
    first_mobile = rng.random() < 0.35
    entity.phones = [_new_phone(rng, city, first_mobile, used)]
    for _ in range(count - 1):
        entity.phones.append(_new_phone(rng, city, rng.random() < 0.5, used))
    if not first_mobile and rng.random() < 0.08:
        entity.extension = str(
            rng.pick((rng.between(1, 9), rng.between(10, 99), rng.between(100, 999)))
        )


def _plant_namesakes(rng: _Random, entities: list[_Entity], stats: Counter[str]) -> None:
    """Give some companies the name of another one: in the same city (a florist and a
    kindergarten both called Ромашка) and in another city. They stay different entities."""
    by_city: dict[int, list[int]] = {}
    for i, entity in enumerate(entities):
        if entity.form != "ИП":
            by_city.setdefault(entity.city, []).append(i)
    plants = max(2, len(entities) // 200)
    for _ in range(plants):
        original = entities[rng.below(len(entities))]
        if original.form == "ИП":
            continue
        same_city = by_city[original.city]
        copy = entities[rng.pick(same_city)]
        if copy is original or copy.category == original.category:
            continue
        copy.name, copy.brand = original.name, None
        stats["planted namesakes, same city"] += 1
    for _ in range(plants):
        original = entities[rng.below(len(entities))]
        copy = entities[rng.below(len(entities))]
        if original.form == "ИП" or copy.form == "ИП" or copy.city == original.city:
            continue
        copy.name, copy.brand = original.name, None
        stats["planted namesakes, other city"] += 1


def _plant_shared_phones(
    rng: _Random, entities: list[_Entity], used: set[str], stats: Counter[str]
) -> None:
    """A business-centre reception or a shared accountant's number on 3-10 firms of one city."""
    by_city: dict[int, list[int]] = {}
    for i, entity in enumerate(entities):
        by_city.setdefault(entity.city, []).append(i)
    for _ in range(max(1, len(entities) // 250)):
        city_i = entities[rng.below(len(entities))].city
        members = by_city[city_i]
        size = min(rng.between(3, 10), len(members))
        if size < 3:
            continue
        shared = _new_phone(rng, _CITIES[city_i], rng.random() < 0.2, used)
        for i in rng.sample(members, size):
            entity = entities[i]
            # the reception is the number a listing shows first; some firms have nothing else
            entity.phones = [shared] if rng.random() < 0.25 else [shared, *entity.phones]
        stats["planted shared phones"] += 1


def _add_web(rng: _Random, entity: _Entity, used_domains: set[str]) -> None:
    shown = entity.brand or (entity.person[0] if entity.form == "ИП" else entity.name)
    if rng.random() < (0.15 if entity.form == "ИП" else 0.45):
        base = _slug(shown) or "company"
        city = _CITIES[entity.city]
        tld = ".kz" if city.inn_region is None else rng.pick((".ru", ".ru", ".ru", ".com", ".su"))
        domain = base + tld
        if domain in used_domains:
            domain = f"{base}-{city.slug}{tld}"
        while domain in used_domains:
            domain = f"{base}{rng.between(1, 9999)}{tld}"
        used_domains.add(domain)
        entity.domain = domain
    if rng.random() < 0.65:
        if entity.domain and rng.random() < 0.7:
            entity.email = f"{rng.pick(_MAILBOXES)}@{entity.domain}"
        else:
            user = _slug(shown).replace("-", rng.pick(("", ".", "_")))[:20] or "office"
            entity.email = f"{user}{rng.between(1, 99)}@{rng.pick(_PUBLIC_MAIL)}"


# --------------------------------------------------------------------------------------------------
# Appearances: one messy record of a company in one export.

_NAME_STYLES = {
    # style weights per export: how the company name is written
    _2GIS.name: {"bare": 40, "descriptor": 20, "after": 15, "short": 20, "lower": 5},
    _2GIS_DESKTOP.name: {"short": 45, "bare": 35, "after": 15, "lower": 5},
    _GOOGLE.name: {"bare": 60, "short": 15, "descriptor": 10, "lower": 10, "after": 5},
    _DIRECTORY.name: {"long": 70, "upper_long": 20, "short": 10},
    _BOUGHT.name: {"short": 35, "bare": 25, "lower": 15, "upper": 10, "after": 10, "long": 5},
}
_PICK_NAME_STYLE = {k: _Weighted(list(v), list(v.values())) for k, v in _NAME_STYLES.items()}
_IP_STYLES = {
    _DIRECTORY.name: {"long": 60, "upper_long": 25, "short": 15},
    "other": {"short": 40, "initials": 35, "after": 10, "bare": 15},
}
_PICK_IP_STYLE = {k: _Weighted(list(v), list(v.values())) for k, v in _IP_STYLES.items()}
_PHONE_STYLES = {
    _2GIS.name: _Weighted((0, 7), (90, 10)),
    _2GIS_DESKTOP.name: _Weighted((3, 8, 1), (50, 30, 20)),
    _GOOGLE.name: _Weighted((1,), (1,)),
    _DIRECTORY.name: _Weighted((2, 6, 3, 1, 7), (30, 20, 20, 20, 10)),
    _BOUGHT.name: _Weighted((0, 4, 5, 9, 7, 1), (30, 20, 15, 10, 15, 10)),
}
_JOINERS = (", ", "; ", "\n", ",")


class _Appearances:
    """Writes the records; counts each trap it plants in ``stats``."""

    def __init__(self, rng: _Random, entities: list[_Entity], stats: Counter[str]) -> None:
        self.rng = rng
        self.entities = entities
        self.stats = stats
        # numbers a bought base holds that no other record has: taken from outside every firm's own
        self.used = {phone for entity in entities for phone in entity.phones}

    def _number_of_its_own(self, entity: _Entity) -> str:
        """An old office line, a manager's mobile or an 8-800 line: a number only the bought base
        has for this firm."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            while True:
                national = f"800{rng.between(1000000, 9999999)}"
                if national not in self.used:
                    self.used.add(national)
                    return national
        return _new_phone(rng, _CITIES[entity.city], roll < 0.6, self.used)

    # -- names ---------------------------------------------------------------------------------

    def _mangle(self, base: str) -> str:
        """ё written as е, and in a few records a typo: two letters swapped or one dropped."""
        rng = self.rng
        if "ё" in base and rng.random() < 0.5:
            base = base.replace("ё", "е")
        if len(base) >= 6 and rng.random() < 0.03:
            i = rng.between(1, len(base) - 3)
            if rng.random() < 0.5:
                base = base[:i] + base[i + 1] + base[i] + base[i + 2 :]
            else:
                base = base[:i] + base[i + 1 :]
            self.stats["records with a typo in the name"] += 1
        return base

    def company(self, entity: _Entity, source: str, branch: str | None) -> str:
        rng = self.rng
        legal = (
            entity.brand is None
            or source in (_DIRECTORY.name, _BOUGHT.name)  # they list the registered name
            or rng.random() < 0.2
        )
        if entity.form == "ИП" and legal:
            text = self._ip_name(entity, source)
        else:
            base = self._mangle(entity.name if legal else str(entity.brand))
            if not legal:
                self.stats["records under a trading name"] += 1
            style = _PICK_NAME_STYLE[source](rng)
            if not legal and style in ("short", "after", "upper", "long", "upper_long"):
                style = "bare"  # a shop sign carries no legal form
            q1, q2 = _PICK_QUOTES(rng)
            if style == "bare":
                text = base
            elif style == "lower":
                text = base.lower()
            elif style == "descriptor":
                text = f"{base}, {_CATEGORIES[entity.category].descriptor}"
            elif style == "after":
                text = f"{base}, {entity.form}" if rng.random() < 0.7 else f"{base} {entity.form}"
            elif style == "short":
                text = f"{entity.form} {q1}{base}{q2}"
            elif style == "upper":
                text = f"{entity.form} {q1}{base}{q2}".upper()
            else:
                q1, q2 = ('"', '"') if rng.random() < 0.8 else ("«", "»")
                text = f"{_LONG_FORMS[entity.form]} {q1}{base}{q2}"
                if style == "upper_long":
                    text = text.upper()
                self.stats["records with the long legal form"] += 1
        if branch is not None:
            text += branch
        if rng.random() < 0.03:
            text = self._lookalikes(text)
        return text

    def _ip_name(self, entity: _Entity, source: str) -> str:
        rng = self.rng
        surname, first, patronymic = entity.person
        surname = self._mangle(surname)
        key = _DIRECTORY.name if source == _DIRECTORY.name else "other"
        style = _PICK_IP_STYLE[key](rng)
        full = f"{surname} {first} {patronymic}"
        if style == "long":
            return f"Индивидуальный предприниматель {full}"
        if style == "upper_long":
            return f"ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ {full.upper()}"
        if style == "short":
            return f"ИП {full}"
        if style == "initials":
            gap = rng.pick(("", " "))
            return f"ИП {surname} {first[0]}.{gap}{patronymic[0]}."
        if style == "after":
            return f"{full}, ИП" if rng.random() < 0.5 else f"{full} ИП"
        return full

    def _lookalikes(self, text: str) -> str:
        """Latin letters that look Cyrillic, as typed on a Latin keyboard layout."""
        rng = self.rng
        self.stats["records with Latin look-alike letters"] += 1
        if text.startswith(("ООО ", "ТОО ")) and rng.random() < 0.5:
            return text[:3].translate(_LOOKALIKES) + text[3:]
        spots = [i for i, ch in enumerate(text) if ch in "АВЕКМНОРСТХаеорсух"]
        for i in rng.sample(spots, min(len(spots), rng.between(1, 2))):
            text = text[:i] + text[i].translate(_LOOKALIKES) + text[i + 1 :]
        return text

    # -- addresses ------------------------------------------------------------------------------

    def address(self, entity: _Entity, style: str, where: tuple[str, int, str] | None) -> str:
        city = _CITIES[entity.city]
        street, kind_i, house = where or (entity.street, entity.street_kind, entity.house)
        short, long = _STREET_KINDS[kind_i]
        office = entity.office if where is None else None
        if style == "city_first":
            text = f"г. {city.name}, {short} {street}, д. {house}"
            return text + (f", офис {office}" if office else "")
        if style == "city_plain":
            return f"{city.name}, {street} {short}, {house}"
        if style == "street":
            return f"{short} {street}, {house}"
        if style == "street_2gis":
            return f"{street} {long}, {house}"
        if style == "postal":
            text = f"{entity.postcode}, г. {city.name}, {short} {street}, д. {house}"
            return text + (f", оф. {office}" if office else "")
        if style == "fias":
            return f"г {city.name}, {short.rstrip('.')} {street}, д {house}"
        country = "Россия" if city.inn_region else "Казахстан"
        if self.rng.random() < 0.6:
            return f"{street} {short}, {house}, {city.name}, {entity.postcode}"
        return f"{short} {street}, {house}, {city.name}, {country}, {entity.postcode}"

    # -- phones ---------------------------------------------------------------------------------

    def phone_cells(self, entity: _Entity, source: str) -> list[str]:
        """The phone cells of one record: several numbers, notes, extensions, broken bits."""
        rng = self.rng
        stats = self.stats
        drop_all = {_DIRECTORY.name: 0.15, _BOUGHT.name: 0.04}.get(source, 0.02)
        if rng.random() < drop_all:
            stats["records without a phone"] += 1
            if source == _BOUGHT.name:
                return [rng.pick(_NO_PHONE)]
            return []
        pick = _PHONE_STYLES[source]
        phones = entity.phones
        if source == _GOOGLE.name:
            return [_format_phone(phones[0], 1)]
        if source == _2GIS.name:
            cells = []
            for national in phones[:3]:
                cell = _format_phone(national, pick(rng))
                if rng.random() < 0.08:
                    cell += rng.pick(_PHONE_NOTES)
                cells.append(cell)
            return cells
        if source == _BOUGHT.name:
            cells = [_format_phone(p, pick(rng)) for p in phones[:2]]
            roll = rng.random()
            if roll < 0.15:
                other = self.entities[rng.below(len(self.entities))]
                if other is not entity:
                    cells[0] = _format_phone(other.phones[0], pick(rng))
                    stats["records with a stale number (now another firm's)"] += 1
            elif roll < 0.45:
                cells = [_format_phone(self._number_of_its_own(entity), pick(rng))]
                stats["records with a number no other record has"] += 1
            if len(cells) == 2 and rng.random() < 0.06:
                cells[1] = _fragment(phones[1])
                stats["records with a broken phone fragment"] += 1
            elif len(cells) == 1 and rng.random() < 0.1:
                cells.append(rng.pick(_NO_PHONE))
            if entity.extension and rng.random() < 0.5:
                cells[0] += f" доб. {entity.extension}"
            return cells
        # directory and the desktop converter: all numbers in one cell
        chosen = phones[:2] if source == _DIRECTORY.name else phones
        parts = [_format_phone(p, pick(rng)) for p in chosen]
        if entity.extension and rng.random() < 0.6:
            parts[0] += rng.pick((f" доб. {entity.extension}", f" (доб. {entity.extension})"))
        if source == _DIRECTORY.name:
            if rng.random() < 0.05:
                parts.append(_fragment(phones[0]))
                stats["records with a broken phone fragment"] += 1
            if rng.random() < 0.05:
                parts[0] += rng.pick(_PHONE_NOTES)
            return [rng.pick(_JOINERS).join(parts)]
        return [rng.pick((",", ", ")).join(parts)]

    # -- contacts -------------------------------------------------------------------------------

    def website(self, entity: _Entity, source: str) -> str | None:
        if entity.domain is None or self.rng.random() < 0.15:
            return None
        if source == _2GIS.name:
            return f"http://{entity.domain}"
        if source == _GOOGLE.name:
            return (
                f"https://{entity.domain}/"
                if self.rng.random() < 0.7
                else f"https://www.{entity.domain}/"
            )
        return f"www.{entity.domain}" if self.rng.random() < 0.6 else entity.domain

    def email(self, entity: _Entity) -> str | None:
        if entity.email is None or self.rng.random() < 0.2:
            return None
        if self.rng.random() < 0.05:
            return entity.email.capitalize()
        return entity.email

    # -- one row per export ---------------------------------------------------------------------

    def row(self, entity: _Entity, source: str, branch: bool) -> tuple[str | None, ...]:
        rng = self.rng
        city = _CITIES[entity.city]
        category = _CATEGORIES[entity.category]
        where: tuple[str, int, str] | None = None
        suffix: str | None = None
        if branch:
            streets = _STREETS if city.inn_region else _KZ_STREETS
            where = (rng.pick(streets), _PICK_KIND(rng), str(rng.between(1, 150)))
            suffix = rng.pick(
                (" филиал", " (филиал)", f", филиал на {where[0]}", " - филиал", " филиал №2")
            )
        name = self.company(entity, source, suffix)
        phones = self.phone_cells(entity, source)
        if branch and phones and rng.random() < 0.5:
            phones = phones[:1]
        if source == _2GIS.name:
            city_cell: str | None = city.name
            style = "street_2gis" if rng.random() < 0.6 else "street"
            if rng.random() < 0.05:
                city_cell, style = None, "city_first"
                self.stats["records whose city is only in the address"] += 1
            rubric = category.rubric
            if rng.random() < 0.3:
                rubric += ", " + _CATEGORIES[rng.below(len(_CATEGORIES))].rubric
            cells3 = [*phones, None, None, None][:3]
            return (
                name, None, rubric, self.address(entity, style, where),
                f"{entity.office} офис" if entity.office and where is None else None,
                entity.postcode, city_cell, city.region,
                "Россия" if city.inn_region else "Казахстан", rng.pick(_OPEN_HOURS),
                *cells3, self.email(entity), self.website(entity, source),
                f"{city.lat + rng.uniform(-0.15, 0.15):.6f}",
                f"{city.lon + rng.uniform(-0.2, 0.2):.6f}",
                f"https://2gis.ru/{city.slug}/firm/{70000001000000000 + rng.below(10**9)}",
                "филиал" if branch else "организация",
            )  # fmt: skip
        if source == _2GIS_DESKTOP.name:
            city_cell = city.name
            style = "city_first" if rng.random() < 0.5 else "street"
            if rng.random() < 0.1:
                city_cell, style = None, "city_first"
                self.stats["records whose city is only in the address"] += 1
            fax = _format_phone(entity.phones[-1], 8) if rng.random() < 0.05 else None
            return (
                name, category.section, None, category.rubric, city_cell,
                self.address(entity, style, where), phones[0] if phones else None, fax,
                self.email(entity), self.website(entity, source),
            )  # fmt: skip
        if source == _GOOGLE.name:
            emails = self.email(entity)
            if emails and rng.random() < 0.1:
                emails += f", {_slug(entity.person[0])}@{rng.pick(_PUBLIC_MAIL)}"
            return (
                name, category.activities[0] if category.activities else category.rubric,
                self.address(entity, "google", where), rng.pick(_OPEN_HOURS),
                self.website(entity, source), phones[0] if phones else None,
                str(rng.between(0, 900)), f"{rng.uniform(3.0, 5.0):.1f}",
                f"{city.lat + rng.uniform(-0.15, 0.15):.7f}",
                f"{city.lon + rng.uniform(-0.2, 0.2):.7f}",
                str(10**18 + int(rng.random() * 9e18)), "Открыто", emails,
            )  # fmt: skip
        if source == _DIRECTORY.name:
            surname, first, patronymic = entity.person
            director = f"{surname} {first} {patronymic}"
            return (
                name, entity.inn, entity.ogrn if rng.random() < 0.9 else None, city.region,
                self.address(entity, "postal" if rng.random() < 0.8 else "fias", None),
                phones[0] if phones else None, self.email(entity),
                None if entity.form == "ИП" and rng.random() < 0.5 else director,
            )  # fmt: skip
        # the bought base
        town = rng.pick(city.spellings) if rng.random() < 0.8 else None
        inn = entity.inn if rng.random() < 0.3 else None
        if inn is not None and inn.startswith("0") and rng.random() < 0.5:
            inn = inn.lstrip("0")  # the base went through Excel as a number
            self.stats["records with an INN that lost its leading zero"] += 1
        potential: str | None = None
        if entity.potential is not None and rng.random() < 0.7:
            value = entity.potential
            potential = rng.pick(
                (str(value), f"{value:,}".replace(",", " "), f"{value:,}".replace(",", " ") + ",00")
            )
        tel = [*phones, None][:2]
        return (
            name, tel[0], tel[1], town, inn,
            entity.channel if rng.random() < 0.8 else None, potential,
            rng.pick(_BB_COMMENTS) if rng.random() < 0.2 else None,
        )  # fmt: skip


def _pick_sources(rng: _Random, count: int, kazakh: bool) -> list[str]:
    """Distinct exports for a company's appearances, by how common each export is."""
    pool = _KAZAKH_SOURCE_POOL if kazakh else _SOURCE_POOL
    if count == 1:  # half of all companies: one weighted draw
        return [pool[0][bisect.bisect_right(pool[2], rng.random() * pool[2][-1])]]
    names, weights = list(pool[0]), list(pool[1])
    chosen: list[str] = []
    for _ in range(min(count, len(names))):
        x = rng.random() * sum(weights)
        i = 0
        while i < len(weights) - 1 and x >= weights[i]:
            x -= weights[i]
            i += 1
        chosen.append(names.pop(i))
        weights.pop(i)
    return chosen


def _source_pool(kazakh: bool) -> tuple[list[str], list[float], list[float]]:
    names = [k for k in sorted(_SOURCE_WEIGHTS) if not (kazakh and k == _DIRECTORY.name)]
    weights = [float(_SOURCE_WEIGHTS[k]) for k in names]
    return names, weights, list(itertools.accumulate(weights))


_SOURCE_POOL = _source_pool(kazakh=False)
_KAZAKH_SOURCE_POOL = _source_pool(kazakh=True)  # Russian directories do not list them
_CHUNK_ROWS = 50_000


# --------------------------------------------------------------------------------------------------
# Public API.


@dataclass(frozen=True)
class GeneratedLeads:
    """A generated benchmark: the lead table, the truth, per-export frames and the trap counts."""

    leads: pl.DataFrame
    truth: pl.DataFrame
    exports: dict[str, pl.DataFrame]  # export name -> its columns as written, in file order
    export_entities: dict[str, pl.Series]  # export name -> entity_id of each row, in file order
    stats: dict[str, int]


def generate(n: int, seed: int = 0) -> GeneratedLeads:
    """Generate ``n`` leads of known companies, with the truth and a count of every planted trap."""
    if n < 1:
        raise ValueError("n must be at least 1")
    # millions of small objects, none of them cyclic: the cycle collector would only rescan them
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(n, seed)
    finally:
        if collecting:
            gc.enable()


def _generate(n: int, seed: int) -> GeneratedLeads:
    rng = _Random(seed)
    stats: Counter[str] = Counter()
    entities = _build_entities(rng, n, stats)
    writer = _Appearances(rng, entities, stats)
    buffers: dict[str, list[tuple[Any, ...]]] = {x.name: [] for x in _EXPORTS}
    chunks: dict[str, list[pl.DataFrame]] = {x.name: [] for x in _EXPORTS}
    made = 0
    for index, entity in enumerate(entities):
        if made == n:
            break
        kazakh = _CITIES[entity.city].inn_region is None
        plan = [(s, False) for s in _pick_sources(rng, entity.appearances, kazakh)]
        if rng.random() < 0.02:
            # branches are listed separately on maps, under the same company
            plan.append((_2GIS.name if rng.random() < 0.6 else _GOOGLE.name, True))
        for source, branch in plan[: n - made]:
            # the random key shuffles the export later: exports are not grouped by company
            buffers[source].append((*writer.row(entity, source, branch), index, rng.random()))
            entity.records += 1
            stats["branch records"] += branch
            made += 1
            if len(buffers[source]) == _CHUNK_ROWS:
                chunks[source].append(_frame(_EXPORT_BY_NAME[source], buffers[source]))
                buffers[source] = []
    exports: dict[str, pl.DataFrame] = {}
    export_entities: dict[str, pl.Series] = {}
    for export in _EXPORTS:
        chunks[export.name].append(_frame(export, buffers.pop(export.name)))
        frame = pl.concat(chunks.pop(export.name)).sort("_key", maintain_order=True)
        exports[export.name] = frame.select(export.headers)
        export_entities[export.name] = frame.select(
            pl.format("e{}", pl.col("_entity").cast(pl.String).str.zfill(7)).alias("entity_id")
        ).to_series()
    leads = _lead_table(exports)
    truth = pl.DataFrame(
        {C.LEAD_ID: leads[C.LEAD_ID], "entity_id": pl.concat(list(export_entities.values()))}
    )
    return GeneratedLeads(
        leads, truth, exports, export_entities, _summary(leads, truth, entities, stats)
    )


def _frame(export: _Export, rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    schema: dict[str, Any] = {
        **dict.fromkeys(export.headers, pl.String),
        "_entity": pl.UInt32,
        "_key": pl.Float64,
    }
    return pl.DataFrame(rows or None, schema=schema, orient="row")


def _lead_table(exports: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """What `leadkit import` should make of the exports: the contract's columns, in file order."""
    frames = []
    for export in _EXPORTS:
        frame = exports[export.name]
        select = [
            pl.lit(export.name).alias(C.SOURCE),
            pl.lit(None, pl.String).alias(C.SOURCE_SHEET),
            (pl.int_range(pl.len()) + 2).cast(pl.String).alias(C.SOURCE_ROW),
        ]
        for target in C.SOURCE_FIELDS:
            headers = export.fields.get(target)
            if not headers:
                select.append(pl.lit(None, pl.String).alias(target))
            elif len(headers) == 1:
                select.append(pl.col(headers[0]).alias(target))
            else:
                joined = pl.concat_str(headers, separator=C.LIST_SEPARATOR, ignore_nulls=True)
                select.append(pl.when(joined != "").then(joined).alias(target))
        frames.append(frame.select(select))
    leads = pl.concat(frames)
    lead_id = pl.format("g{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(9))
    return leads.select(lead_id.alias(C.LEAD_ID), pl.all()).select(C.IMPORT_COLUMNS)


def _summary(
    leads: pl.DataFrame, truth: pl.DataFrame, entities: list[_Entity], stats: Counter[str]
) -> dict[str, int]:
    """Counts of what the data holds, measured on the result (not just what was planted)."""
    present = truth.group_by("entity_id").len()
    per_source = leads.group_by(C.SOURCE).len()
    sources_per_entity = (
        leads.select(C.SOURCE, truth["entity_id"]).unique().group_by("entity_id").len()["len"]
    )
    kept = [e for e in entities if e.records]
    owners = Counter(p for e in kept for p in e.phones)  # a company lists a number once
    shared = {p for p, count in owners.items() if count >= 3}
    companies = pl.DataFrame(
        {
            "city": [e.city for e in kept],
            "name": [(e.brand or e.name) for e in kept],
            "ip": [e.form == "ИП" for e in kept],
            "trading_name": [e.brand is not None for e in kept],
        }
    ).with_columns(pl.col("name").str.to_lowercase().str.replace_all("ё", "е"))
    names = companies.filter(~pl.col("ip"))
    same_city = names.group_by("city", "name").len().filter(pl.col("len") >= 2)
    many_cities = names.group_by("name").agg(pl.col("city").n_unique()).filter(pl.col("city") >= 2)
    summary = {
        "leads": leads.height,
        "entities": len(kept),
        **{f"leads from {s}": c for s, c in sorted(per_source.iter_rows())},
        "entities in 2+ exports": int((sources_per_entity >= 2).sum()),
        "entities in 3+ exports": int((sources_per_entity >= 3).sum()),
        "entities with 2+ records": int((present["len"] >= 2).sum()),
        "distinct company names (as written)": leads[C.COMPANY].n_unique(),
        "distinct company names (entities, ignoring case)": companies["name"].n_unique(),
        "phones shared by 3+ entities": len(shared),
        "entities on a shared phone": sum(not shared.isdisjoint(e.phones) for e in kept),
        "same name in one city: groups": same_city.height,
        "same name in one city: entities": int(same_city["len"].sum()),
        "names found in 2+ cities": many_cities.height,
        "entities with a trading name unlike the legal name": int(companies["trading_name"].sum()),
        "records with an INN": int(leads[C.INN].is_not_null().sum()),
        "records without an INN": int(leads[C.INN].is_null().sum()),
        "records with no phone cell": int(leads[C.PHONE_RAW].is_null().sum()),
        **dict(sorted(stats.items())),
    }
    return summary


def generate_leads(n: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """An import-shaped lead table of ``n`` rows and its truth (lead_id, entity_id).

    The table has the columns ``leadkit.columns.IMPORT_COLUMNS``, all strings, null for missing;
    ``source`` names the export a row came from and ``source_row`` its row there, as
    ``write_exports`` writes it. Rows of one real company share an ``entity_id`` in the truth.
    """
    generated = generate(n, seed)
    return generated.leads, generated.truth


def write_exports(out_dir: Path, n: int, seed: int = 0, xlsx: bool = False) -> None:
    """Write the same data as real export files in ``out_dir/exports/``, plus ``truth.csv`` and ``map.yaml``
    in ``out_dir`` (beside the exports, not among them, so ``leadkit import out_dir/exports`` reads only leads).

    ``truth.csv`` (source, source_sheet, source_row, entity_id) is keyed the way `leadkit import`
    numbers rows. With ``xlsx`` (and at most 200,000 directory rows) the directory is an XLSX file
    with a title block above the header, as directory services export it. ``stats.json`` holds the
    trap counts.
    """
    generated = generate(n, seed)
    out_dir = Path(out_dir)
    exports_dir = out_dir / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    truth_frames = []
    for export in _EXPORTS:
        frame = generated.exports[export.name]
        name, sheet, first_row = export.name, None, 2
        if export is _DIRECTORY and xlsx and frame.height <= _XLSX_MAX_ROWS:
            name, sheet = "directory.xlsx", _XLSX_SHEET
            first_row = _XLSX_TITLE_ROWS + 2
            _write_directory_xlsx(exports_dir / name, frame)
        else:
            _write_text(exports_dir / name, frame, export)
        truth_frames.append(
            pl.DataFrame(
                {
                    "source": [name] * frame.height,
                    "source_sheet": [sheet] * frame.height,
                    "source_row": [str(first_row + i) for i in range(frame.height)],
                    "entity_id": generated.export_entities[export.name],
                },
                schema=dict.fromkeys(
                    ("source", "source_sheet", "source_row", "entity_id"), pl.String
                ),
            )
        )
    pl.concat(truth_frames).write_csv(out_dir / "truth.csv")
    (out_dir / "map.yaml").write_text(_bought_base_map(), encoding="utf-8")
    (out_dir / "stats.json").write_text(
        json.dumps(generated.stats, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _write_text(path: Path, frame: pl.DataFrame, export: _Export) -> None:
    windows = export.encoding in ("cp1251", "utf-16")
    text = frame.write_csv(separator=export.separator, line_terminator="\r\n" if windows else "\n")
    if export.encoding == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")  # what Excel's "Unicode text" writes
    else:
        data = text.encode(export.encoding)
    path.write_bytes(data)


def _write_directory_xlsx(path: Path, frame: pl.DataFrame) -> None:
    import xlsxwriter  # only needed for this one file

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(_XLSX_SHEET)
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, "Выгрузка: юридические лица и индивидуальные предприниматели", bold)
    header_row = _XLSX_TITLE_ROWS
    for col, header in enumerate(frame.columns):
        sheet.write_string(header_row, col, header, bold)
    for r, values in enumerate(frame.iter_rows(), start=header_row + 1):
        for col, value in enumerate(values):
            if value is not None:
                sheet.write_string(r, col, value)  # INN/OGRN stay text: no lost zeros
    book.close()


def _bought_base_map() -> str:
    """The --map a user writes for the bought base, in the contract's format."""
    columns: dict[str, str | list[str]] = {}
    for target, headers in _BOUGHT.fields.items():
        key = "phone" if target == C.PHONE_RAW else target
        columns[key] = list(headers) if len(headers) > 1 else headers[0]
    doc = {
        "sources": [
            {
                "match": "bought_base*.txt",
                "columns": columns,
                "encoding": "utf-16",
                "delimiter": "\t",
            }
        ]
    }
    head = "# Column map for the bought base (leadkit import --map map.yaml)\n"
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _main(argv: Sequence[str] | None = None, out: Callable[[str], Any] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="number of leads (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, help="directory to write the exports and truth.csv to")
    parser.add_argument("--xlsx", action="store_true", help="write the directory as XLSX")
    parser.add_argument("--stats", action="store_true", help="print what the data holds")
    args = parser.parse_args(argv)
    if args.out is None and not args.stats:
        parser.error("give --out DIR, --stats, or both")
    if args.out is not None:
        write_exports(args.out, args.n, args.seed, xlsx=args.xlsx)
        stats = json.loads((args.out / "stats.json").read_text(encoding="utf-8"))
    else:
        stats = generate(args.n, args.seed).stats
    if args.stats:
        width = max(len(k) for k in stats)
        for key, value in stats.items():
            out(f"{key:<{width}}  {value:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
