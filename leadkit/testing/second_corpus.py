"""A second, independent corpus of labelled Russian lead exports: six sources, other shapes, other proportions.

leadkit was tuned on :mod:`leadkit.testing.generate`; this generator was written without reading it, so that
leadkit can be measured on data it has not seen. A universe of companies (the truth) is drawn first, then each
source picks its rows from it and writes them the way that export really looks:

============================  ==========================================  =================================
file                          shape                                       share of the rows
============================  ==========================================  =================================
``yandex_maps.csv`` (.xlsx)   UTF-8 ``,``; phones ``, `` or line-joined   30 %
``legal_directory.csv``       cp1251 ``;``; long names, INN/OGRN, region  26 %
``2gis.csv``                  UTF-8 BOM ``,``; ``84951234567 (коммент)``  13 %
``google_maps.csv``           UTF-8 ``,``; ``8 (846) 212-34-56``          12 %
``bought_base.txt``           UTF-16 LE BOM, tab; unknown headers (map)   10 %
``crm_old.csv``               cp1251 ``;``; caps, typos, own numbers      9 %
============================  ==========================================  =================================

The truth: one entity is one legal entity (an INN). Branches of a chain that have their own INN are different
entities, even under one brand, website and 8-800 line; a second shop of one company is the same entity.
A shop sign (``Пекарня Колосок``) and the legal name behind it (``ООО "Хлебный Двор"``) are one entity.

``python benchmarks/second_corpus.py --n 1000000 --seed 7 --out DIR --stats`` writes a corpus;
``build_corpus`` also returns what was planted (each row's valid numbers, typos, stale numbers, …) for tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from leadkit import columns as C

__all__ = ["Corpus", "build_corpus", "generate_corpus", "write_corpus"]

# --- reference data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    name: str
    weight: float
    region: str | None  # as a legal-entity directory writes it; None outside Russia
    inn_region: str  # the first two digits of a local INN
    area_codes: tuple[str, ...]
    post: str  # postcode prefix
    aliases: tuple[str, ...] = ()  # how bought bases and CRMs shorten it
    kz: bool = False


_CITIES: tuple[_City, ...] = (
    _City("Москва", 0.25, "г. Москва", "77", ("495", "499"), "12", ("Мск",)),
    _City("Санкт-Петербург", 0.11, "г. Санкт-Петербург", "78", ("812",), "19", ("СПб", "Питер")),
    _City("Самара", 0.045, "Самарская область", "63", ("846",), "443"),
    _City("Казань", 0.045, "Республика Татарстан", "16", ("843",), "420"),
    _City("Екатеринбург", 0.05, "Свердловская область", "66", ("343",), "620", ("Екб",)),
    _City("Новосибирск", 0.045, "Новосибирская область", "54", ("383",), "630", ("Нск",)),
    _City(
        "Нижний Новгород", 0.04, "Нижегородская область", "52", ("831",), "603", ("Н. Новгород",)
    ),
    _City("Ростов-на-Дону", 0.04, "Ростовская область", "61", ("863",), "344", ("Ростов",)),
    _City("Краснодар", 0.045, "Краснодарский край", "23", ("861",), "350"),
    _City("Уфа", 0.035, "Республика Башкортостан", "02", ("347",), "450"),
    _City("Воронеж", 0.03, "Воронежская область", "36", ("473",), "394"),
    _City("Пермь", 0.03, "Пермский край", "59", ("342",), "614"),
    _City("Челябинск", 0.03, "Челябинская область", "74", ("351",), "454"),
    _City("Омск", 0.025, "Омская область", "55", ("3812",), "644"),
    _City("Волгоград", 0.025, "Волгоградская область", "34", ("8442",), "400"),
    _City("Тюмень", 0.025, "Тюменская область", "72", ("3452",), "625"),
    _City("Улан-Удэ", 0.01, "Республика Бурятия", "03", ("3012",), "670"),
    _City("Махачкала", 0.01, "Республика Дагестан", "05", ("8722",), "367"),
    _City("Алматы", 0.035, None, "", ("727",), "050", ("Алма-Ата",), kz=True),
    _City("Астана", 0.02, None, "", ("7172",), "010", ("Нур-Султан",), kz=True),
)

_RU_MOBILE = ("900", "903", "905", "906", "909", "912", "915", "916", "917", "919", "921", "925",
              "926", "927", "929", "937", "950", "951", "960", "977", "985", "987", "999")  # fmt: skip
_KZ_MOBILE = ("701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")
#: National numbers whose area code has four digits (the subscriber part then has six).
_FOUR_DIGIT_AREAS = tuple(a for c in _CITIES for a in c.area_codes if len(a) == 4)

_PART1 = ("Альфа", "Бета", "Вега", "Гамма", "Дельта", "Омега", "Сигма", "Волга", "Кама", "Нева",
          "Ока", "Урал", "Сибирь", "Байкал", "Алтай", "Енисей", "Амур", "Дон", "Кубань", "Север",
          "Восток", "Гранит", "Кедр", "Рубин", "Изумруд", "Сапфир", "Янтарь", "Алмаз", "Топаз",
          "Орион", "Сириус", "Полюс", "Меркурий", "Титан", "Атлас", "Арсенал", "Магистраль",
          "Горизонт", "Рассвет", "Заря", "Зенит", "Прайм", "Эко", "Био", "Нео", "Гео", "Инно",
          "Профи", "Мастер", "Интер", "Евро", "Рос", "Мега", "Экспо", "Зелёный", "Звёздный",
          "Вектор", "Спектр", "Альянс", "Гарант", "Лидер", "Форвард", "Аврора", "Каскад", "Ковчег",
          "Пересвет", "Светлый", "Тайга", "Фрегат", "Шторм", "Аргон", "Бастион", "Вертикаль",
          "Гелиос", "Днепр", "Ермак", "Жар", "Зодиак", "Иртыш", "Кварц", "Лотос", "Мираж", "Нефрит",
          "Олимп", "Пламя", "Регата", "Селена", "Тесла", "Уран", "Факел", "Хорс", "Церера", "Чайка",
          "Эверест", "Юпитер", "Ясень", "Аксон", "Бриз", "Витязь", "Гефест", "Дюна", "Ирбис",
          "Кристалл", "Ладога", "Монблан", "Нордик", "Онега", "Парма", "Русь", "Северсталь",
          "Таврида", "Уралец", "Финист", "Хибины", "Цитадель", "Шексна", "Эльбрус", "Ямал",
          "Азимут", "Берег", "Волна", "Глобус", "Домострой", "Европа", "Импульс", "Колос", "Луч")  # fmt: skip
_PART2 = ("Строй", "Трейд", "Сервис", "Логистик", "Мед", "Авто", "Пром", "Тех", "Инвест", "Снаб",
          "Маркет", "Групп", "Проект", "Торг", "Комплект", "Энерго", "Агро", "Транс", "Металл",
          "Лес", "Хим", "Электро", "Софт", "Систем", "Консалт", "Дизайн", "Фарм", "Пласт",
          "Монтаж", "Ресурс", "Капитал", "Девелопмент", "Инжиниринг", "Терминал", "Флот", "Тур",
          "Принт", "Мебель", "Текстиль", "Холод", "Нефть", "Газ", "Сталь", "Бетон", "Кабель",
          "Оптика", "Стекло", "Фуд", "Продукт", "Медиа", "Телеком", "Климат", "Вент", "Лифт",
          "Кровля", "Окна", "Двери", "Полимер", "Трак", "Экспресс")  # fmt: skip
_PART3 = ("Поволжье", "Урал", "Сибирь", "Центр", "Плюс", "М", "Про", "Регион", "Юг", "Север",
          "Холдинг", "2000", "XXI", "НН", "Групп", "Д", "К", "Нева", "Экспорт", "Интернешнл",
          "СПб", "Москва", "Восток", "Лайн", "Сити", "Альфа", "Сервис", "Трейд", "1", "21", "77",
          "Инвест", "Партнёр", "Юнион", "Р")  # fmt: skip
#: Words that stand before a name and are part of it: `Торговый дом "Вектор"`.
_NAME_PREFIXES = ("Торговый дом", "ТД", "ПКФ", "Группа компаний", "ГК", "НПП", "ПСК")
#: Names that many unrelated firms carry (Zipf-weighted, the first the most common).
_COMMON = ("Вектор", "Спектр", "Стройсервис", "Альянс", "Гарант", "Импульс", "Лидер", "Партнёр",
           "Ресурс", "Меридиан", "Атлант", "Феникс", "Континент", "Прогресс", "Успех", "Стандарт",
           "Капитал", "Монолит", "Эталон", "Фаворит", "Сфера", "Триумф", "Авангард", "Престиж",
           "Пульс", "Доверие", "Техсервис", "Стройинвест", "Автомир", "Мегаполис")  # fmt: skip
_BRANDS = ("Колосок", "Берёзка", "Ромашка", "Лилия", "Улыбка", "Солнышко", "Жемчужина", "Уют",
           "Ласточка", "Каравай", "Огонёк", "Ёлочка", "Сказка", "Мечта", "Радуга", "Фиалка",
           "Орхидея", "Добрыня", "Самовар", "Здоровье", "Айболит", "Чистюля", "Шарм", "Стиль",
           "Элегант", "Белый кот", "Дружок", "Компас", "Маяк", "Парус", "Гнёздышко", "Медвежонок",
           "Золотой ключик", "Хлебный дом", "Вояж", "Экспресс", "Карусель", "Пчёлка", "Светлица",
           "Подкова", "Лукоморье", "Малахит", "Клевер", "Пион", "Кактус", "Шмель", "Барс",
           "Тандем", "Формула", "Миндаль", "Абрикос", "Баранка", "Василёк", "Гавань", "Дубрава",
           "Ежевика", "Жасмин", "Зефир", "Изюм", "Калинка", "Лаванда", "Мандарин", "Незабудка",
           "Облепиха", "Пряник", "Рябинка", "Сахарок", "Тюльпан", "Уголёк", "Фантазия", "Хуторок",
           "Черёмуха", "Шоколадница", "Щелкунчик", "Эдельвейс", "Юла", "Ягодка", "Аленький цветок",
           "Бублик", "Вишенка", "Горница", "Дачник", "Енот", "Журавль", "Затея", "Искорка",
           "Кедровый орех", "Ладушки", "Мастерок", "Наутилус", "Овация", "Позитив", "Ритм", "Семицветик",
           "Трюфель", "Умка", "Фрегат", "Хозяюшка", "Цветик", "Чародейка", "Шанс", "Эврика",
           "Янтарный", "Акварель", "Бумеранг", "Вдохновение", "Гармония", "Динамо", "Жар-птица",
           "Звёздочка", "Индиго", "Камертон", "Лимпопо", "Медуница", "Нота", "Оазис", "Палитра",
           "Рандеву", "Сапсан", "Тайм-аут", "Уфимка", "Флагман", "Хамелеон", "Чемпион", "Шервуд")  # fmt: skip
#: Shop-sign words with the category maps show for them.
_SIGN_TYPES = (("Пекарня", "Пекарня"), ("Кафе", "Кафе"), ("Автосервис", "Автосервис"),
               ("Шиномонтаж", "Шиномонтаж"), ("Салон красоты", "Салон красоты"),
               ("Цветы", "Магазин цветов"), ("Стоматология", "Стоматологическая клиника"),
               ("Аптека", "Аптека"), ("Продукты", "Магазин продуктов"),
               ("Ремонт телефонов", "Ремонт телефонов"), ("Химчистка", "Химчистка"),
               ("Фитнес-клуб", "Фитнес-клуб"), ("Детский центр", "Детский развивающий центр"),
               ("Ветклиника", "Ветеринарная клиника"), ("Барбершоп", "Парикмахерская"),
               ("Столовая", "Столовая"), ("Зоомагазин", "Зоомагазин"), ("Оптика", "Салон оптики"),
               ("Автомойка", "Автомойка"), ("Стройматериалы", "Строительный магазин"),
               ("Мебель", "Мебельный салон"), ("Ателье", "Ателье по пошиву одежды"),
               ("Копицентр", "Копировальный центр"), ("Ремонт обуви", "Ремонт обуви"))  # fmt: skip
_B2B_CATEGORIES = ("Строительная компания", "Оптовая компания", "Грузоперевозки",
                   "Медицинский центр", "Автозапчасти", "Производственное предприятие",
                   "IT-компания", "Бухгалтерские услуги", "Юридические услуги", "Кадровое агентство",
                   "Рекламное агентство", "Охранное предприятие", "Клининговые услуги",
                   "Металлопрокат", "Электротехническая продукция", "Упаковочные материалы",
                   "Складские услуги", "Туристическое агентство", "Типография", "Проектная организация")  # fmt: skip

_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
             "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
             "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
             "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов",
             "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв",
             "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв",
             "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров",
             "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов",
             "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
             "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев",
             "Фомин", "Чернов", "Абрамов", "Ахметов", "Гарипов", "Хабибуллин", "Сулейманов",
             "Шевчук", "Ким", "Нургалиев", "Цой", "Бондаренко", "Ткаченко", "Мартынов", "Ефимов",
             "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
             "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв",
             "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников",
             "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов",
             "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов",
             "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков", "Горбунов",
             "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов", "Михеев", "Скворцов", "Юдин",
             "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев", "Цветков",
             "Левин", "Митрофанов", "Воронов", "Аксёнов", "Софронов", "Мальцев", "Логинов",
             "Горшков", "Савин", "Краснов", "Майоров", "Демидов", "Елисеев", "Рыбаков", "Сафонов",
             "Плотников", "Дёмин", "Хохлов", "Жданов", "Русаков", "Шилов", "Воронцов", "Дьяконов",
             "Галиев", "Шарипов", "Валиев", "Мухаметов", "Исмаилов", "Алиев", "Магомедов",
             "Гасанов", "Омаров", "Абдуллаев", "Жумабаев", "Сейтказиев", "Оспанов", "Мусин",
             "Литвиненко", "Кравченко", "Шевченко", "Коваленко", "Бойко", "Мельник", "Ли", "Пак")  # fmt: skip
_MALE = (("Иван", "Иванович", "Ивановна"), ("Сергей", "Сергеевич", "Сергеевна"),
         ("Алексей", "Алексеевич", "Алексеевна"), ("Андрей", "Андреевич", "Андреевна"),
         ("Дмитрий", "Дмитриевич", "Дмитриевна"), ("Александр", "Александрович", "Александровна"),
         ("Михаил", "Михайлович", "Михайловна"), ("Николай", "Николаевич", "Николаевна"),
         ("Владимир", "Владимирович", "Владимировна"), ("Евгений", "Евгеньевич", "Евгеньевна"),
         ("Игорь", "Игоревич", "Игоревна"), ("Олег", "Олегович", "Олеговна"),
         ("Павел", "Павлович", "Павловна"), ("Юрий", "Юрьевич", "Юрьевна"),
         ("Виктор", "Викторович", "Викторовна"), ("Артём", "Артёмович", "Артёмовна"),
         ("Денис", "Денисович", "Денисовна"), ("Максим", "Максимович", "Максимовна"),
         ("Роман", "Романович", "Романовна"), ("Василий", "Васильевич", "Васильевна"),
         ("Пётр", "Петрович", "Петровна"), ("Фёдор", "Фёдорович", "Фёдоровна"),
         ("Григорий", "Григорьевич", "Григорьевна"), ("Константин", "Константинович", "Константиновна"),
         ("Анатолий", "Анатольевич", "Анатольевна"), ("Руслан", "Русланович", "Руслановна"))  # fmt: skip
_FEMALE = ("Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Марина",
           "Екатерина", "Юлия", "Мария", "Дарья", "Алёна", "Ксения", "Людмила", "Галина", "Надежда",
           "Валентина", "Анастасия", "Евгения")  # fmt: skip

#: Streets: name, type, and whether the name is an adjective (`Тверская улица`, not `улица Ленина`).
_STREETS = (("Тверская", 0, True), ("Садовая", 0, True), ("Московская", 0, True),
            ("Советская", 0, True), ("Октябрьская", 0, True), ("Первомайская", 0, True),
            ("Молодёжная", 0, True), ("Школьная", 0, True), ("Заводская", 0, True),
            ("Лесная", 0, True), ("Центральная", 0, True), ("Солнечная", 0, True),
            ("Зелёная", 0, True), ("Пролетарская", 0, True), ("Красноармейская", 0, True),
            ("Ленина", 0, False), ("Мира", 0, False), ("Гагарина", 0, False), ("Пушкина", 0, False),
            ("Кирова", 0, False), ("Чапаева", 0, False), ("Горького", 0, False), ("Чкалова", 0, False),
            ("Куйбышева", 0, False), ("Свердлова", 0, False), ("Маяковского", 0, False),
            ("Лермонтова", 0, False), ("Суворова", 0, False), ("Фрунзе", 0, False),
            ("Калинина", 0, False), ("Некрасова", 0, False), ("Карла Маркса", 0, False),
            ("Победы", 0, False), ("Циолковского", 0, False), ("Королёва", 0, False),
            ("Ленинский", 1, True), ("Московский", 1, True), ("Комсомольский", 1, True),
            ("Мира", 1, False), ("Победы", 1, False), ("Строителей", 1, False),
            ("Космонавтов", 1, False), ("Лесной", 2, True), ("Почтовый", 2, True),
            ("Садовый", 2, True), ("Варшавское", 3, True), ("Московское", 3, True),
            ("Заводское", 3, True), ("Цветной", 4, True), ("Приморский", 4, True),
            ("Волжская", 5, True), ("Кремлёвская", 5, True))  # fmt: skip
_KZ_STREETS = (("Абая", 1, False), ("Достык", 1, False), ("Сейфуллина", 1, False),
               ("Толе би", 0, False), ("Жандосова", 0, False), ("Кабанбай батыра", 1, False),
               ("Республики", 1, False), ("Кенесары", 0, False), ("Байтурсынова", 0, False))  # fmt: skip
#: Street types: full word, abbreviation with a dot, and the registry's (FIAS) abbreviation.
_STREET_TYPES = (("улица", "ул.", "ул"), ("проспект", "пр-т", "пр-кт"), ("переулок", "пер.", "пер"),
                 ("шоссе", "ш.", "ш"), ("бульвар", "б-р", "б-р"), ("набережная", "наб.", "наб"))  # fmt: skip

_LONG_FORMS = {
    "ООО": "Общество с ограниченной ответственностью",
    "АО": "Акционерное общество",
    "ПАО": "Публичное акционерное общество",
    "ЗАО": "Закрытое акционерное общество",
    "АНО": "Автономная некоммерческая организация",
    "ТОО": "Товарищество с ограниченной ответственностью",
    "ИП": "Индивидуальный предприниматель",
}
_QUOTES = (("«", "»"), ('"', '"'), ("„", "“"), ("“", "”"), ("'", "'"), ("", ""))

_JUNK_PHONES = ("нет", "-", "уточняйте", "не указан", "—", "нет данных", "звонить через сайт", "0")
_EXT_FORMS = (" доб. {}", " (доб. {})", " доб {}", " ext. {}", " вн. {}", " доб.{}")
_2GIS_COMMENTS = ("секретарь", "бухгалтерия", "отдел продаж", "круглосуточно", "WhatsApp",
                  "директор", "склад")  # fmt: skip
_FREE_MAIL = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru")
_MAILBOXES = ("info", "office", "sales", "zakaz", "mail", "opt", "secretar")
_CHANNELS = ("опт", "розница", "b2b", "дилер", "тендер", "ОПТ", "Розница", "B2B", "интернет")
_MANAGERS = ("Петров А.", "Сидорова Е.В.", "Ким Д.", "Орлова", "Гусев С.А.", "Новикова М.",
             "Зайцев И.", "Лебедева О.П.", "менеджер 3", "Архив")  # fmt: skip
_CRM_NOTES = ("перезвонить", "позвонить в понедельник", "не берут трубку", "КП отправлено")
_BOUGHT_CONTACTS = ("Иван", "Анна Сергеевна", "Сергей (снабженец)", "директор", "бухгалтер",
                    "Ольга, секретарь", "Дмитрий Викторович", "Елена", "гл. инженер", "Наталья")  # fmt: skip
_BROKEN_CELLS = ("#Н/Д", "NULL", "#ЗНАЧ!", "???", "удалить")

# Cyrillic letters and the Latin ones that look the same (how `OOO "Pомашка"` gets typed).
_LOOKALIKE = str.maketrans("АВЕКМНОРСТХаеорсух", "ABEKMHOPCTXaeopcyx")
_LOOKALIKE_LETTERS = "АВЕКМНОРСТХаеорсух"
_KEY_NEIGHBOURS = {
    "а": "впм", "б": "ью", "в": "аыс", "г": "нш", "д": "лж", "е": "кн", "ж": "дэ", "з": "хщ",
    "и": "мт", "й": "ц", "к": "уе", "л": "од", "м": "си", "н": "ег", "о": "рл", "п": "ар",
    "р": "по", "с": "чм", "т": "иь", "у": "кц", "ф": "ы", "х": "зъ", "ц": "йу", "ч": "яс",
    "ш": "гщ", "щ": "шз", "ы": "фв", "ь": "тб", "э": "ж", "ю": "б", "я": "ч",
}  # fmt: skip
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", " ": "-",
}  # fmt: skip

#: Phone shapes: (prefix, area code opening, area code closing, subscriber style).
#: Subscriber styles: 0 `123-45-67`, 1 `123 45 67`, 2 `1234567`, 3 `123-4567`.
_SHAPES = (
    ("+7 ", "(", ") ", 0),  # 0  +7 (495) 123-45-67
    ("8 ", "(", ") ", 0),  # 1  8 (495) 123-45-67
    ("+7 ", "", " ", 0),  # 2  +7 495 123-45-67
    ("8", "", "", 2),  # 3  84951234567
    ("+7", "", "", 2),  # 4  +74951234567
    ("", "", " ", 1),  # 5  495 123 45 67
    ("", "(", ")", 0),  # 6  (495)123-45-67
    ("+7 ", "", " ", 3),  # 7  +7 495 123-4567
    ("8 ", "", " ", 2),  # 8  8 495 1234567
    ("8-", "", "-", 0),  # 9  8-495-123-45-67
    ("+7", "(", ")", 2),  # 10 +7(495)1234567
    ("7 ", "", " ", 1),  # 11 7 495 123 45 67
    ("8", "(", ")", 0),  # 12 8(495)123-45-67
    ("+7 ", "(", ") ", 1),  # 13 +7 (495) 123 45 67
    ("8 ", "", " ", 0),  # 14 8 495 123-45-67
    ("", "", "", 2),  # 15 4951234567
)
_SHAPE_NAMES = ("+7 (495) 123-45-67", "8 (495) 123-45-67", "+7 495 123-45-67", "84951234567",
                "+74951234567", "495 123 45 67", "(495)123-45-67", "+7 495 123-4567",
                "8 495 1234567", "8-495-123-45-67", "+7(495)1234567", "7 495 123 45 67",
                "8(495)123-45-67", "+7 (495) 123 45 67", "8 495 123-45-67", "4951234567")  # fmt: skip


def _weights(*pairs: tuple[int, float]) -> np.ndarray:
    """Shape weights: (shape, weight) pairs, the rest 0."""
    w = np.zeros(len(_SHAPES))
    for shape, weight in pairs:
        w[shape] = weight
    return w / w.sum()


_MESSY = _weights(*((s, 1.0) for s in range(len(_SHAPES))))

# --- sources ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    key: str
    file: str
    share: float  # of all rows
    repeat: float  # share of rows that repeat an entity already in this source
    encoding: str
    delimiter: str
    eol: str
    header: tuple[str, ...]
    fields: dict[
        str, tuple[str, ...]
    ]  # lead field → the columns that feed it, as leadkit reads them


_YANDEX = _Source(
    "yandex", "yandex_maps.csv", 0.30, 0.03, "utf-8", ",", "\n",
    ("Название", "Адрес", "Телефоны", "Сайт", "Категория", "Рейтинг"),
    {C.COMPANY: ("Название",), C.ADDRESS: ("Адрес",), C.PHONE_RAW: ("Телефоны",),
     C.WEBSITE: ("Сайт",), C.CATEGORY: ("Категория",)},
)  # fmt: skip
_DIRECTORY = _Source(
    "directory", "legal_directory.csv", 0.26, 0.0, "cp1251", ";", "\r\n",
    ("Полное наименование", "ИНН", "ОГРН", "Регион", "Адрес", "Телефон", "E-mail", "Руководитель"),
    {C.COMPANY: ("Полное наименование",), C.INN: ("ИНН",), C.OGRN: ("ОГРН",), C.CITY: ("Регион",),
     C.ADDRESS: ("Адрес",), C.PHONE_RAW: ("Телефон",), C.EMAIL: ("E-mail",),
     C.CONTACT: ("Руководитель",)},
)  # fmt: skip
_2GIS = _Source(
    "2gis", "2gis.csv", 0.13, 0.01, "utf-8-sig", ",", "\n",
    ("Наименование", "Рубрики", "Адрес", "Город", "Телефон 1", "Телефон 2", "E-mail 1", "Веб-сайт 1"),
    {C.COMPANY: ("Наименование",), C.CATEGORY: ("Рубрики",), C.ADDRESS: ("Адрес",),
     C.CITY: ("Город",), C.PHONE_RAW: ("Телефон 1", "Телефон 2"), C.EMAIL: ("E-mail 1",),
     C.WEBSITE: ("Веб-сайт 1",)},
)  # fmt: skip
_GOOGLE = _Source(
    "google", "google_maps.csv", 0.12, 0.01, "utf-8", ",", "\n",
    ("title", "category", "address", "website", "phone", "review_count", "review_rating"),
    {C.COMPANY: ("title",), C.CATEGORY: ("category",), C.ADDRESS: ("address",),
     C.WEBSITE: ("website",), C.PHONE_RAW: ("phone",)},
)  # fmt: skip
_BOUGHT = _Source(
    "bought", "bought_base.txt", 0.10, 0.02, "utf-16", "\t", "\r\n",
    ("Org", "Phone_main", "Phone_add", "Town", "Contact_person"),
    {C.COMPANY: ("Org",), C.PHONE_RAW: ("Phone_main", "Phone_add"), C.CITY: ("Town",),
     C.CONTACT: ("Contact_person",)},
)  # fmt: skip
_CRM = _Source(
    "crm", "crm_old.csv", 0.09, 0.04, "cp1251", ";", "\r\n",
    ("Клиент", "Тел.", "Моб.", "Нас. пункт", "Менеджер", "Канал", "Потенциал"),
    {C.COMPANY: ("Клиент",), C.PHONE_RAW: ("Тел.", "Моб."), C.CITY: ("Нас. пункт",),
     C.CHANNEL: ("Канал",), C.POTENTIAL: ("Потенциал",)},
)  # fmt: skip
_SOURCES = (_YANDEX, _DIRECTORY, _2GIS, _GOOGLE, _BOUGHT, _CRM)

MAP_YAML = """\
# Column maps for the generated exports whose headers no synonym knows (leadkit.testing.second_corpus).
sources:
  - match: "bought_base*.txt"
    columns:
      company: Org
      phone: [Phone_main, Phone_add]
      city: Town
      contact: Contact_person
  - match: "crm_old*.csv"
    columns:
      company: Клиент
      phone: [Тел., Моб.]
      city: Нас. пункт
      channel: Канал
      potential: Потенциал
"""

#: Rows of the Yandex workbook above its header (``write_corpus(..., yandex_xlsx=True)``).
_YANDEX_TITLE = (
    "Выгрузка из Яндекс Карт",
    "Запрос: компании и организации",
    "Дата: 14.11.2026",
    "",
)
_YANDEX_SHEET = "Организации"

# --- the corpus -------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """A generated corpus: the lead table, the truth, what was planted, and the files' content."""

    leads: pl.DataFrame  # import-shaped: C.IMPORT_COLUMNS, all String
    truth: pl.DataFrame  # lead_id, entity_id
    planted: pl.DataFrame  # lead_id, entity_id, numbers (valid E.164 written in the row), flags
    entities: pl.DataFrame  # one row per company of the universe (also those no source shows)
    tables: dict[str, pl.DataFrame]  # source key → its records in file order (blank rows included)
    stats: dict[str, float] = field(default_factory=dict)


def generate_corpus(n: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``n`` import-shaped leads from six sources and their truth (``lead_id, entity_id``).

    Same ``n`` and ``seed``, same frames. The leads are what ``leadkit import`` reads from the files
    ``write_corpus`` writes (the import's own ``lead_id`` hash aside).
    """
    corpus = build_corpus(n, seed)
    return corpus.leads, corpus.truth


def write_corpus(out_dir: Path, n: int, seed: int = 0, *, yandex_xlsx: bool = False) -> Corpus:
    """Write ``exports/`` (six files), ``map.yaml`` and ``truth.csv`` under ``out_dir``.

    ``truth.csv`` has ``source, source_sheet, source_row, entity_id``: it joins the lead table of
    ``leadkit import out_dir/exports --map out_dir/map.yaml`` on those three columns (``source_sheet``
    is empty for text files, null after the import). ``yandex_xlsx`` writes Yandex as a workbook with a
    title block above the header (a sheet of notes beside it), as Yandex exports come for small lists.
    """
    corpus = build_corpus(n, seed, yandex_xlsx=yandex_xlsx)
    exports = out_dir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    for stale in exports.iterdir():
        if stale.is_file() and stale.name in {s.file for s in _SOURCES} | {"yandex_maps.xlsx"}:
            stale.unlink()
    for source in _SOURCES:
        table = corpus.tables[source.key]
        if source is _YANDEX and yandex_xlsx:
            _write_xlsx(exports / "yandex_maps.xlsx", source, table)
            continue
        text = _csv_text(table, source)
        data = text.encode(source.encoding)
        (exports / source.file).write_bytes(data)
    (out_dir / "map.yaml").write_text(MAP_YAML, encoding="utf-8")
    corpus.leads.select(
        C.SOURCE,
        pl.col(C.SOURCE_SHEET).fill_null(""),
        C.SOURCE_ROW,
        corpus.truth.get_column("entity_id"),
    ).write_csv(out_dir / "truth.csv")
    return corpus


def build_corpus(n: int, seed: int = 0, *, yandex_xlsx: bool = False) -> Corpus:
    """Draw the universe and the six sources; everything ``generate_corpus`` and ``write_corpus`` use."""
    if n < 60:
        raise ValueError("n must be at least 60 (every source needs a few rows)")
    started = time.perf_counter()
    tally: Counter[str] = Counter()
    entities = _universe(np.random.default_rng([seed, 1]), max(50, round(n * 0.66)))
    counts = _source_counts(n)
    tables: dict[str, pl.DataFrame] = {}
    for index, source in enumerate(_SOURCES):
        rng = np.random.default_rng([seed, 100 + index])
        rows, repeat = _pick_rows(rng, entities, source, counts[source.key])
        table = _RENDER[source.key](rng, entities, rows, repeat, tally)
        table = _add_blank_and_stray(rng, source, table, tally)
        tables[source.key] = table
    leads, planted = _lead_table(tables, yandex_xlsx)
    truth = planted.select(C.LEAD_ID, "entity_id")
    stats = _stats(entities, leads, planted, tally)
    stats["build_seconds"] = round(time.perf_counter() - started, 2)
    return Corpus(leads, truth, planted, entities, tables, stats)


def _source_counts(n: int) -> dict[str, int]:
    counts = {s.key: int(n * s.share) for s in _SOURCES}
    counts[_YANDEX.key] += n - sum(counts.values())
    return counts


# --- the universe -----------------------------------------------------------------------------------

_KINDS = ("ООО", "ИП", "АО", "ЗАО", "ПАО", "АНО", "ТОО")
#: rare: `Альфа-Строй Поволжье`, one firm in its city; common: `Вектор`; chain: a branch of a brand;
#: person: a sole trader; brand: a shop whose legal name is its sign's brand word (set by `_signs`).
_NAME_CLASSES = ("rare", "common", "chain", "person")
_KZ_CITY = np.array([c.kz for c in _CITIES])


def _gather(options: Sequence[str], index: np.ndarray) -> pl.Series:
    """``options[index]`` as a String series (strings are built in Polars, never in NumPy)."""
    return pl.Series(list(options), dtype=pl.String).gather(index)


def _universe(rng: np.random.Generator, count: int) -> pl.DataFrame:
    """The companies: who they are, where, under which names, with which numbers and identifiers."""
    weights = np.array([c.weight for c in _CITIES])
    city = rng.choice(len(_CITIES), count, p=weights / weights.sum())
    kz = _KZ_CITY[city]
    kind = rng.choice(6, count, p=[0.64, 0.27, 0.04, 0.02, 0.005, 0.025])
    kind = np.where(kz, np.where(rng.random(count) < 0.72, 6, 1), kind)  # Kazakhstan: ТОО or ИП
    person = kind == 1
    # What the name is: rare and specific, a common namesake, a chain's brand, or a person (sole trader).
    roll = rng.random(count)
    name_class = np.select([person, roll > 0.955, roll < 0.04], [3, 2, 1], 0)
    frame = pl.DataFrame(
        {
            "eid": np.arange(count),
            "city": city,
            "kz": kz,
            "kind": _gather(_KINDS, kind),
            "name_class": _gather(_NAME_CLASSES, name_class),
            "popularity": rng.lognormal(0.0, 0.9, count),
        }
    )
    frame = (
        pl.concat(
            [
                frame,
                _people(rng, count, "owner"),
                _people(rng, count, "director"),
                _company_names(rng, count),
            ],
            how="horizontal",
        )
        .with_columns(
            pl.format("E{}", pl.col("eid").cast(pl.String).str.zfill(7)).alias("entity_id"),
            pl.when(pl.col("name_class") == "person")
            .then("owner")
            .when(pl.col("name_class") == "common")
            .then("common_name")
            .otherwise("rare_name")
            .alias("core"),
            pl.when(pl.col("name_class") != "person").then("name_prefix").alias("prefix"),
        )
        .drop("common_name", "rare_name", "name_prefix")
    )
    frame = _unique_rare_names(rng, frame)
    frame = _signs(rng, frame, *_chains(rng, name_class == 2))
    frame = _addresses(rng, frame)
    frame = _identifiers(rng, frame)
    frame = _numbers(rng, frame)
    return _web(rng, frame)


def _unique_rare_names(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Redraw rare names that another company of the same city already has: a rare name is one firm's."""
    rare = np.flatnonzero((frame.get_column("name_class") == "rare").to_numpy())
    city = frame.get_column("city").to_numpy()
    keys = frame.select(pl.format("{}|{}", "city", "core")).to_series().gather(rare).to_list()
    taken: set[str] = set()
    again: list[int] = []
    for row, key in zip(rare.tolist(), keys, strict=True):
        if key in taken:
            again.append(row)
        taken.add(key)
    core = frame.get_column("core").clone()
    for _ in range(30):
        if not again:
            break
        fresh = _company_names(rng, len(again)).get_column("rare_name").to_list()
        kept_rows, kept_names, still = [], [], []
        for row, name in zip(again, fresh, strict=True):
            key = f"{city[row]}|{name}"
            if key in taken:
                still.append(row)
            else:
                taken.add(key)
                kept_rows.append(row)
                kept_names.append(name)
        if kept_rows:
            core.scatter(kept_rows, pl.Series(kept_names, dtype=pl.String))
        again = still
    return frame.with_columns(core)


def _people(rng: np.random.Generator, count: int, prefix: str) -> pl.DataFrame:
    """Owners or directors: surname, first name, patronymic and the full name; 60 % men."""
    father = rng.integers(0, len(_MALE), count)
    drawn = pl.DataFrame(
        {
            "male": rng.random(count) < 0.6,
            "surname": _gather(_SURNAMES, rng.integers(0, len(_SURNAMES), count)),
            "first_m": _gather([m[0] for m in _MALE], rng.integers(0, len(_MALE), count)),
            "first_f": _gather(_FEMALE, rng.integers(0, len(_FEMALE), count)),
            "pat_m": _gather([m[1] for m in _MALE], father),
            "pat_f": _gather([m[2] for m in _MALE], father),
        }
    )
    feminine = pl.col("surname").str.replace(r"(ов|ев|ёв|ин)$", "${1}а")
    return drawn.select(
        pl.when("male").then("surname").otherwise(feminine).alias(f"{prefix}_surname"),
        pl.when("male").then("first_m").otherwise("first_f").alias(f"{prefix}_first"),
        pl.when("male").then("pat_m").otherwise("pat_f").alias(f"{prefix}_patronymic"),
    ).with_columns(
        pl.concat_str(
            f"{prefix}_surname", f"{prefix}_first", f"{prefix}_patronymic", separator=" "
        ).alias(prefix)
    )


def _company_names(rng: np.random.Generator, count: int) -> pl.DataFrame:
    """A rare name (`Альфа-Строй Поволжье`), a common one (`Вектор`) and a prefix (`Торговый дом`) per row."""
    zipf = 1.0 / np.arange(1, len(_COMMON) + 1) ** 0.5
    drawn = pl.DataFrame(
        {
            "p1": _gather(_PART1, rng.integers(0, len(_PART1), count)),
            "p2": _gather(_PART2, rng.integers(0, len(_PART2), count)),
            "p3": _gather(_PART3, rng.integers(0, len(_PART3), count)),
            "joiner": rng.choice(3, count, p=[0.55, 0.25, 0.20]),
            "third": rng.random(count) < 0.45,
            "common_name": _gather(_COMMON, rng.choice(len(_COMMON), count, p=zipf / zipf.sum())),
            "prefix": _gather(_NAME_PREFIXES, rng.integers(0, len(_NAME_PREFIXES), count)),
            "with_prefix": rng.random(count) < 0.08,
        }
    )
    joined = (
        pl.when(pl.col("joiner") == 0)
        .then(pl.concat_str("p1", pl.lit("-"), "p2"))
        .when(pl.col("joiner") == 1)
        .then(pl.concat_str("p1", pl.col("p2").str.to_lowercase()))
        .otherwise(pl.concat_str("p1", pl.lit(" "), "p2"))
    )
    return drawn.select(
        pl.when("third")
        .then(pl.concat_str(joined, pl.lit(" "), "p3"))
        .otherwise(joined)
        .alias("rare_name"),
        "common_name",
        pl.when("with_prefix").then("prefix").alias("name_prefix"),
    )


def _chains(rng: np.random.Generator, member: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """Group chain members into chains of 2–12 branches: the chain of each row (-1: none) and its brand."""
    members = np.flatnonzero(member)
    rng.shuffle(members)
    chain = np.full(len(member), -1, dtype=np.int64)
    start = chains = 0
    while start < len(members):
        size = int(rng.integers(2, 13))
        chain[members[start : start + size]] = chains
        start += size
        chains += 1
    brands = pl.DataFrame(
        {
            "word": _gather(_BRANDS, rng.integers(0, len(_BRANDS), chains)),
            "suffix": _gather(_PART3[:8], rng.integers(0, 8, chains)),
            "plain": rng.random(chains) < 0.5,
        }
    ).select(pl.when("plain").then("word").otherwise(pl.concat_str("word", pl.lit(" "), "suffix")))
    brand = (
        brands.to_series().gather(np.maximum(chain, 0)) if chains else pl.Series([""] * len(member))
    )
    return chain, _where(chain >= 0, brand)


def _signs(
    rng: np.random.Generator, frame: pl.DataFrame, chain: np.ndarray, chain_brand: pl.Series
) -> pl.DataFrame:
    """Shop signs for shops, cafés and services; a chain's branches all show the chain's brand.

    A franchisee's legal name is often its own (``ООО "Вега-Трейд"`` runs a ``Колосок``); a shop may carry its
    sign's brand as its legal name (``ООО "Колосок"`` behind ``Пекарня Колосок``) or something else entirely.
    """
    count = frame.height
    name_class = frame.get_column("name_class")
    in_chain = chain >= 0
    person = (name_class == "person").to_numpy()
    has_sign = in_chain | np.where(person, rng.random(count) < 0.55, rng.random(count) < 0.20)
    sign_type = rng.integers(0, len(_SIGN_TYPES), count)
    style = np.where(in_chain, 0, rng.choice(3, count, p=[0.60, 0.25, 0.15]))
    legal = (name_class == "rare").to_numpy() & (rng.random(count) < 0.25) | in_chain & (
        rng.random(count) < 0.4
    )
    drawn = frame.with_columns(
        pl.Series("chain", chain),
        pl.Series("has_sign", has_sign),
        pl.Series("style", style),
        pl.Series("brand_is_legal", has_sign & legal & (style != 2)),
        _gather([t for t, _ in _SIGN_TYPES], sign_type).alias("type_word"),
        _gather([c for _, c in _SIGN_TYPES], sign_type).alias("sign_category"),
        _gather(_B2B_CATEGORIES, rng.integers(0, len(_B2B_CATEGORIES), count)).alias(
            "b2b_category"
        ),
        # `Автосервис на Ленина`: a genitive street name.
        _gather([s[0] for s in _STREETS[15:35]], rng.integers(0, 20, count)).alias("near"),
        pl.when(pl.Series(in_chain))
        .then(chain_brand)
        .otherwise(_gather(_BRANDS, rng.integers(0, len(_BRANDS), count)))
        .alias("brand_word"),
    )
    sign = (
        pl.when(pl.col("style") == 0)
        .then(pl.concat_str("type_word", pl.lit(" "), "brand_word"))
        .when(pl.col("style") == 1)
        .then("brand_word")
        .otherwise(pl.concat_str("type_word", pl.lit(" на "), "near"))
    )
    return drawn.with_columns(
        pl.when("has_sign").then(sign).alias("sign"),
        pl.when(pl.col("has_sign") & (pl.col("style") == 0)).then("type_word").alias("sign_type"),
        pl.when("has_sign").then("brand_word").alias("brand"),
        pl.when("has_sign").then("sign_category").otherwise("b2b_category").alias("category"),
        pl.when("brand_is_legal").then("brand_word").otherwise("core").alias("core"),
        # A rare-named shop whose legal name is its brand word is no longer rare: `ООО "Колосок"`.
        pl.when(pl.col("brand_is_legal") & (pl.col("name_class") == "rare"))
        .then(pl.lit("brand"))
        .otherwise("name_class")
        .alias("name_class"),
    ).drop(
        "has_sign",
        "style",
        "brand_is_legal",
        "type_word",
        "sign_category",
        "b2b_category",
        "near",
        "brand_word",
    )


def _street_columns(rng: np.random.Generator, kz: np.ndarray, prefix: str) -> pl.DataFrame:
    """A street (name, type, adjective or not) and a house number per row."""
    count = len(kz)
    ru, kzs = rng.integers(0, len(_STREETS), count), rng.integers(0, len(_KZ_STREETS), count)
    letter = rng.random(count)
    drawn = pl.DataFrame(
        {
            "kz": kz,
            "ru_name": _gather([s[0] for s in _STREETS], ru),
            "kz_name": _gather([s[0] for s in _KZ_STREETS], kzs),
            "ru_type": np.array([s[1] for s in _STREETS])[ru],
            "kz_type": np.array([s[1] for s in _KZ_STREETS])[kzs],
            "adjective": np.array([s[2] for s in _STREETS])[ru] & ~kz,
            "house": rng.integers(1, 200, count),
            "letter": letter,
            "fraction": rng.integers(1, 9, count),
        }
    )
    house = pl.col("house").cast(pl.String)
    return drawn.select(
        pl.when("kz").then("kz_name").otherwise("ru_name").alias(f"{prefix}street"),
        pl.when("kz")
        .then("kz_type")
        .otherwise("ru_type")
        .cast(pl.Int8)
        .alias(f"{prefix}street_type"),
        pl.col("adjective").alias(f"{prefix}street_adj"),
        pl.when(pl.col("letter") < 0.06)
        .then(pl.concat_str(house, pl.lit("А")))
        .when(pl.col("letter") < 0.10)
        .then(pl.concat_str(house, pl.lit("/"), pl.col("fraction").cast(pl.String)))
        .otherwise(house)
        .alias(f"{prefix}house"),
    )


_ADDRESS = ("street", "street_type", "street_adj", "house")


def _addresses(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Street addresses; business centres put 5–40 tenants at one address behind one reception number.

    The registered address (``legal_*``, what directories show) is the same for most, another one for
    some, and a mass-registration address shared by many firms for a few.
    """
    count = frame.height
    kz = frame.get_column("kz").to_numpy()
    city = frame.get_column("city").to_numpy()
    building = rng.random(count)
    frame = pl.concat([frame, _street_columns(rng, kz, "")], how="horizontal").with_columns(
        pl.when(pl.Series(building < 0.08))
        .then(pl.format("стр. {}", pl.Series(rng.integers(1, 6, count))))
        .when(pl.Series(building < 0.14))
        .then(pl.format("корп. {}", pl.Series(rng.integers(1, 4, count))))
        .alias("building"),
        pl.when(pl.Series(rng.random(count) < 0.30))
        .then(pl.Series(rng.integers(1, 950, count)).cast(pl.String))
        .alias("office"),
        _postcodes(rng, city),
    )
    # Business centres: tenants share street, house and building, each in an office of its own.
    tenant = (frame.get_column("name_class") != "person").to_numpy() & (rng.random(count) < 0.06)
    bc = _groups_within_city(rng, tenant, city, 5, 40)
    shared = [*_ADDRESS, "building", "postcode"]
    first = (
        frame.filter(pl.Series(bc >= 0))
        .with_columns(pl.Series("bc", bc[bc >= 0]))
        .group_by("bc")
        .agg(pl.col(shared).first())
    )
    frame = (
        frame.with_columns(pl.Series("bc", bc))
        .join(first, on="bc", how="left", suffix="_bc", maintain_order="left")
        .with_columns(
            *(
                pl.when(pl.col("bc") >= 0).then(pl.col(f"{c}_bc")).otherwise(c).alias(c)
                for c in shared
            ),
            pl.when(pl.col("bc") >= 0)
            .then(pl.col("office").fill_null((pl.col("eid") % 700 + 100).cast(pl.String)))
            .otherwise("office")
            .alias("office"),
        )
        .drop([f"{c}_bc" for c in shared])
    )
    moved = pl.Series(rng.random(count) < 0.22)
    mass = pl.Series(~kz & (rng.random(count) < 0.02)) & ~moved
    legal = _street_columns(rng, kz, "legal_")
    mass_values = {"street": "Ленина", "street_type": 0, "street_adj": False, "house": "1"}
    return pl.concat([frame, legal], how="horizontal").with_columns(
        *(
            pl.when(mass)
            .then(pl.lit(mass_values[c]).cast(frame.schema[c]))
            .when(moved)
            .then(f"legal_{c}")
            .otherwise(c)
            .alias(f"legal_{c}")
            for c in _ADDRESS
        ),
        pl.when(moved | mass).then(None).otherwise("office").alias("legal_office"),
        mass.alias("mass_address"),
    )


def _postcodes(rng: np.random.Generator, city: np.ndarray) -> pl.Series:
    prefix = _gather([c.post for c in _CITIES], city)
    tail = pl.Series(rng.integers(0, 10**5, len(city))).cast(pl.String)
    width = 6 - prefix.str.len_chars()
    return (
        pl.DataFrame({"prefix": prefix, "tail": tail, "width": width})
        .select(
            pl.when(pl.col("width") == 5)
            .then(pl.concat_str("prefix", pl.col("tail").str.zfill(5)))
            .when(pl.col("width") == 4)
            .then(pl.concat_str("prefix", pl.col("tail").str.zfill(5).str.slice(0, 4)))
            .otherwise(pl.concat_str("prefix", pl.col("tail").str.zfill(5).str.slice(0, 3)))
            .alias("postcode")
        )
        .to_series()
    )


def _groups_within_city(
    rng: np.random.Generator, member: np.ndarray, city: np.ndarray, low: int, high: int
) -> np.ndarray:
    """Put the members into groups of low..high within each city; group number per row, -1 elsewhere."""
    group = np.full(len(member), -1, dtype=np.int64)
    next_group = 0
    for c in np.unique(city[member]):
        rows = np.flatnonzero(member & (city == c))
        rng.shuffle(rows)
        start = 0
        while start < len(rows):
            size = int(rng.integers(low, high + 1))
            if len(rows) - start - size < low:  # no group smaller than `low`
                size = len(rows) - start
            group[rows[start : start + size]] = next_group
            next_group += 1
            start += size
    return group


def _identifiers(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """INN and OGRN with valid check digits: 10 and 13 digits for organisations, 12 and 15 for sole traders.

    The digits follow the real layout (region, tax office, year of registration); Kazakh firms have none.
    """
    count = frame.height
    region = np.array([int(c.inn_region or "0") for c in _CITIES])[
        frame.get_column("city").to_numpy()
    ]
    inspection = rng.integers(1, 52, count)
    year = rng.integers(2, 25, count)
    legal_inn = _inn10(_unique_draw(rng, region * 10**7 + inspection * 10**5, 10**5))
    person_inn = _inn12(_unique_draw(rng, region * 10**8 + inspection * 10**6, 10**6))
    first_digit = np.where(rng.random(count) < 0.8, 1, 5)
    ogrn = _unique_draw(
        rng, first_digit * 10**11 + year * 10**9 + region * 10**7 + inspection * 10**5, 10**5
    )
    ogrnip = _unique_draw(rng, 3 * 10**13 + year * 10**11 + region * 10**9, 10**9)
    person = frame.get_column("kind") == "ИП"
    return frame.with_columns(
        pl.when(pl.col("kz"))
        .then(None)
        .when(person)
        .then(pl.Series(person_inn).cast(pl.String).str.zfill(12))
        .otherwise(pl.Series(legal_inn).cast(pl.String).str.zfill(10))
        .alias("inn"),
        pl.when(pl.col("kz"))
        .then(None)
        .when(person)
        .then(pl.Series(ogrnip * 10 + ogrnip % 13 % 10).cast(pl.String))
        .otherwise(pl.Series(ogrn * 10 + ogrn % 11 % 10).cast(pl.String))
        .alias("ogrn"),
    )


def _unique_draw(rng: np.random.Generator, base: np.ndarray, span: int) -> np.ndarray:
    """``base + random(0, span)``, redrawn until no two rows share a value."""
    value = base + rng.integers(0, span, len(base))
    while True:
        _, first = np.unique(value, return_index=True)
        again = np.ones(len(value), dtype=bool)
        again[first] = False
        if not again.any():
            return value
        value[again] = base[again] + rng.integers(0, span, int(again.sum()))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.stack([(values // 10 ** (width - 1 - i)) % 10 for i in range(width)], axis=1)


def _inn10(body: np.ndarray) -> np.ndarray:
    """9-digit bodies → 10-digit organisation INNs (as numbers: a leading zero is not shown)."""
    check = (_digits(body, 9) @ np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return body * 10 + check


def _inn12(body: np.ndarray) -> np.ndarray:
    """10-digit bodies → 12-digit sole-trader INNs."""
    d = _digits(body, 10)
    c1 = (d @ np.array([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    c2 = (np.column_stack([d, c1]) @ np.array([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return body * 100 + c1 * 10 + c2


# Kinds of number, for drawing and redrawing.
_LAND, _MOBILE, _FREE = 0, 1, 2
_AREA_TABLE = np.array(
    [[int(c.area_codes[0]), int(c.area_codes[-1])] for c in _CITIES], dtype=np.int64
)


def _draw_numbers(rng: np.random.Generator, kind: np.ndarray, city: np.ndarray) -> np.ndarray:
    """10-digit national numbers (int64) of the given kinds: landlines of the city, mobiles, 8-800."""
    count = len(kind)
    area = _AREA_TABLE[city, rng.integers(0, 2, count)]
    seven = rng.integers(2_000_000, 10_000_000, count)
    almaty = area == 727  # Almaty numbers go on with 2, 3, 7 or 9
    seven = np.where(
        almaty, np.array([2, 3, 7, 9])[rng.integers(0, 4, count)] * 10**6 + seven % 10**6, seven
    )
    land = np.where(
        area >= 1000, area * 10**6 + rng.integers(200_000, 1_000_000, count), area * 10**7 + seven
    )
    ru = np.array([int(p) for p in _RU_MOBILE])[rng.integers(0, len(_RU_MOBILE), count)]
    kzp = np.array([int(p) for p in _KZ_MOBILE])[rng.integers(0, len(_KZ_MOBILE), count)]
    mobile = np.where(_KZ_CITY[city], kzp, ru) * 10**7 + rng.integers(0, 10**7, count)
    free = 800 * 10**7 + rng.integers(10**6, 10**7, count)
    return np.where(kind == _LAND, land, np.where(kind == _MOBILE, mobile, free))


def _distinct_numbers(rng: np.random.Generator, kind: np.ndarray, city: np.ndarray) -> np.ndarray:
    """Draw numbers and redraw the ones already taken, until every number is used once."""
    numbers = _draw_numbers(rng, kind, city)
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    repeated = np.zeros(len(numbers), dtype=bool)
    repeated[1:] = ordered[1:] == ordered[:-1]
    taken, again = ordered[~repeated], order[repeated]
    for _ in range(100):
        if not len(again):
            return numbers
        new = _draw_numbers(rng, kind[again], city[again])
        at = np.minimum(np.searchsorted(taken, new), len(taken) - 1)
        _, first = np.unique(new, return_index=True)
        fresh = np.zeros(len(new), dtype=bool)
        fresh[first] = True
        fresh &= taken[at] != new
        numbers[again[fresh]] = new[fresh]
        added = np.sort(new[fresh])
        taken = np.insert(taken, np.searchsorted(taken, added), added)
        again = again[~fresh]
    raise RuntimeError("could not draw distinct phone numbers")


def _leaders(group: np.ndarray) -> np.ndarray:
    """The first row of each group (groups numbered from 0, -1 = no group)."""
    lead = np.zeros(len(group), dtype=bool)
    member = np.flatnonzero(group >= 0)
    if len(member):
        _, first = np.unique(group[member], return_index=True)
        lead[member[first]] = True
    return lead


def _shared_by_group(group: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Every member of a group gets the number of the group's first row; 0 outside groups."""
    out = np.zeros(len(group), dtype=np.int64)
    member = np.flatnonzero(group >= 0)
    if len(member):
        lead = np.flatnonzero(_leaders(group))
        number_of = np.zeros(int(group.max()) + 1, dtype=np.int64)
        number_of[group[lead]] = numbers[lead]
        out[member] = number_of[group[member]]
    return out


def _numbers(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Each company's numbers (10-digit national, 0 = none); all distinct except the shared ones.

    Its own: ``main`` landline (a sole trader often has only a mobile), ``alt`` second line, ``mobile``,
    ``tollfree`` (8-800; a chain's branches share one). Shared: ``reception`` (a business centre's, 5–40
    tenants), ``accountant`` (an outsourced accountant of 5–25 small firms of one city: directories show it,
    it is the number on the tax filings), ``callcentre`` (a dispatch service answering for 10–40 firms in any
    city). Numbers only one source knows: ``old`` (a former office line, an old mobile or 8-800: the bought
    base), ``manager`` (a manager's mobile: bought base and CRM), ``crm_own`` (the CRM's own).
    """
    count = frame.height
    city = frame.get_column("city").to_numpy()
    kz = frame.get_column("kz").to_numpy()
    person = (frame.get_column("kind") == "ИП").to_numpy()
    chain = frame.get_column("chain").to_numpy()
    everyone = np.ones(count, dtype=bool)
    has_landline = ~person | (rng.random(count) < 0.45)
    small = ~kz & (person | (frame.get_column("kind") == "ООО").to_numpy())
    accountant_group = _groups_within_city(rng, small & (rng.random(count) < 0.05), city, 5, 25)
    callcentre_group = _groups_within_city(
        rng, ~person & (rng.random(count) < 0.012), np.zeros(count, np.int64), 10, 40
    )
    chain_line = np.where(chain >= 0, rng.random(int(chain.max()) + 2)[chain], 1.0) < 0.7
    roles: dict[
        str, tuple[np.ndarray, np.ndarray | int]
    ] = {  # role → (who needs one, kind of number)
        "land": (has_landline, _LAND),
        "mob1": (~has_landline, _MOBILE),
        "alt": (rng.random(count) < 0.22, _LAND),
        "mobile": (
            np.where(person, has_landline & (rng.random(count) < 0.85), rng.random(count) < 0.30),
            _MOBILE,
        ),
        "tollfree": (~person & ~kz & (chain < 0) & (rng.random(count) < 0.04), _FREE),
        "chain_line": (_leaders(np.where(chain_line, chain, -1)), _FREE),
        "reception": (_leaders(frame.get_column("bc").to_numpy()), _LAND),
        "accountant": (
            _leaders(accountant_group),
            np.where(rng.random(count) < 0.5, _MOBILE, _LAND),
        ),
        "callcentre": (_leaders(callcentre_group), np.where(rng.random(count) < 0.6, _FREE, _LAND)),
        "old": (
            everyone,
            np.where(
                kz, rng.choice(2, count, p=[0.6, 0.4]), rng.choice(3, count, p=[0.55, 0.30, 0.15])
            ),
        ),
        "manager": (everyone, _MOBILE),
        "crm_own": (everyone, np.where(rng.random(count) < 0.7, _LAND, _MOBILE)),
    }
    kinds = [np.broadcast_to(kind, count)[need] for need, kind in roles.values()]
    drawn = _distinct_numbers(
        rng, np.concatenate(kinds), np.concatenate([city[need] for need, _ in roles.values()])
    )
    number: dict[str, np.ndarray] = {}
    start = 0
    for role, (need, _) in roles.items():
        number[role] = np.zeros(count, dtype=np.int64)
        number[role][need] = drawn[start : start + int(need.sum())]
        start += int(need.sum())
    return frame.with_columns(
        pl.Series("main", np.where(has_landline, number["land"], number["mob1"])),
        pl.Series("alt", number["alt"]),
        pl.Series("mobile", number["mobile"]),
        pl.Series(
            "tollfree",
            np.where(
                chain >= 0,
                _shared_by_group(np.where(chain_line, chain, -1), number["chain_line"]),
                number["tollfree"],
            ),
        ),
        pl.Series(
            "reception", _shared_by_group(frame.get_column("bc").to_numpy(), number["reception"])
        ),
        pl.Series("accountant", _shared_by_group(accountant_group, number["accountant"])),
        pl.Series("callcentre", _shared_by_group(callcentre_group, number["callcentre"])),
        pl.Series("old", number["old"]),
        pl.Series("manager", number["manager"]),
        pl.Series("crm_own", number["crm_own"]),
    )


_CITY_TAGS = ("msk", "spb", "smr", "kzn", "ekb", "nsk", "nn", "rnd", "krd", "ufa", "vrn", "perm", "chel", "omsk",
              "vlg", "tmn", "uu", "mkh", "almaty", "astana")  # fmt: skip


def _web(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """A website for some companies (a chain's branches share the chain's) and e-mail addresses.

    Domains come from the name (`vektor.ru`); namesakes get a city tag or a number (`vektor-msk.ru`,
    `vektor2.ru`), so no two companies share a domain unless they are one chain.
    """
    count = frame.height
    drawn = frame.select(
        "eid",
        "chain",
        "name_class",
        "kz",
        # A sole trader's site is named after the shop, or the surname.
        pl.when(pl.col("name_class") == "chain")
        .then("brand")
        .when(pl.col("name_class") == "person")
        .then(pl.coalesce("brand", "owner_surname"))
        .otherwise("core")
        .alias("base"),
        _gather(_CITY_TAGS, frame.get_column("city").to_numpy()).alias("tag"),
        pl.Series("tagged", rng.random(count) < 0.6),
        _gather(
            (".ru", ".ru", ".ru", ".com", ".рф", ".su", ".pro"), rng.integers(0, 7, count)
        ).alias("tld"),
        pl.Series("site", rng.random(count)),
        pl.Series("digits", rng.integers(1, 999, count)),
        _gather(_FREE_MAIL, rng.integers(0, len(_FREE_MAIL), count)).alias("free_domain"),
        _gather(_MAILBOXES, rng.integers(0, len(_MAILBOXES), count)).alias("box"),
        pl.Series("company_mail", rng.random(count) < 0.8),
        pl.Series("free_mail", rng.random(count) < 0.45),
    )
    latin = (
        pl.col("base")
        .str.to_lowercase()
        .str.replace_many(list(_TRANSLIT), list(_TRANSLIT.values()))
        .str.replace_all(r"[^a-z0-9-]", "")
        .str.replace_all(r"-+", "-")
        .str.strip_chars("-")
    )
    cyrillic = (
        pl.col("base")
        .str.to_lowercase()
        .str.replace_all(" ", "-")
        .str.replace_all(r"[^а-яё0-9-]", "")
    )
    drawn = (
        drawn.with_columns(
            pl.when((pl.col("name_class") == "common") & pl.col("tagged"))
            .then(pl.concat_str(latin, pl.lit("-"), "tag"))
            .otherwise(latin)
            .alias("latin"),
            pl.when(pl.col("chain") >= 0)
            .then(-pl.col("chain") - 1)
            .otherwise("eid")
            .alias("owner"),
            pl.when("kz").then(pl.lit(".kz")).otherwise("tld").alias("tld"),
        )
        .with_columns(pl.col("tld").first().over("owner", order_by="eid").alias("tld"))
        .with_columns(
            # `.рф` domains are Cyrillic throughout: `альфа-строй.рф`.
            pl.when(pl.col("tld") == ".рф").then(cyrillic).otherwise("latin").alias("label")
        )
        .with_columns(pl.col("owner").rank("dense").over("label").alias("nth"))
    )
    domain = pl.concat_str(
        "label",
        pl.when(pl.col("nth") > 1).then(pl.col("nth").cast(pl.String)).otherwise(pl.lit("")),
        "tld",
    )
    has_site = (pl.col("name_class") == "chain") | (
        pl.col("site") < pl.when(pl.col("name_class") == "person").then(0.12).otherwise(0.42)
    )
    drawn = drawn.with_columns(
        pl.when(has_site & (pl.col("label") != "")).then(domain).alias("domain")
    )
    free = pl.concat_str(
        pl.col("latin").str.split("-").list.first(),
        pl.col("digits").cast(pl.String),
        pl.lit("@"),
        "free_domain",
    )
    email = (
        pl.when(pl.col("domain").is_not_null() & pl.col("company_mail"))
        .then(pl.concat_str("box", pl.lit("@"), "domain"))
        .when(pl.col("domain").is_not_null() | pl.col("free_mail"))
        .then(free)
    )
    return frame.with_columns(
        drawn.get_column("domain"), drawn.select(email.alias("email")).to_series()
    )


# --- picking rows -----------------------------------------------------------------------------------


def _affinity(source: _Source, entities: pl.DataFrame) -> np.ndarray:
    """How likely each company is to be in a source (0: never). Popular companies are in many sources."""
    pop = entities.get_column("popularity").to_numpy()
    sign = entities.get_column("sign").is_not_null().to_numpy()
    person = (entities.get_column("kind") == "ИП").to_numpy()
    kz = entities.get_column("kz").to_numpy()
    if source is _YANDEX:
        return pop * np.where(sign, 2.2, 1.0) * np.where(person & ~sign, 0.6, 1.0)
    if source is _DIRECTORY:
        return np.where(kz, 0.0, pop**0.3 * np.where(person, 0.7, 1.0))
    if source is _2GIS:
        return pop * np.where(sign, 1.6, 1.0)
    if source is _GOOGLE:
        return pop * np.where(sign, 2.0, 0.8)
    if source is _BOUGHT:
        return pop**0.5 * np.where(sign, 0.8, 1.2)
    return pop * np.where(~sign & ~person, 1.5, 0.7)  # the CRM: mostly B2B clients


def _pick_rows(
    rng: np.random.Generator, entities: pl.DataFrame, source: _Source, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The companies of a source's rows (weighted, without replacement), and which rows repeat one."""
    weight = _affinity(source, entities)
    distinct = min(count - round(count * source.repeat), int((weight > 0).sum()))
    # Weighted sampling without replacement: the smallest exponential keys scaled by 1/weight.
    with np.errstate(divide="ignore"):
        keys = np.where(weight > 0, rng.exponential(size=len(weight)) / weight, np.inf)
    chosen = np.sort(np.argpartition(keys, distinct - 1)[:distinct])
    again = rng.choice(chosen, count - distinct)
    rows = np.concatenate([chosen, again])
    repeat = np.concatenate([np.zeros(distinct, dtype=bool), np.ones(count - distinct, dtype=bool)])
    order = rng.permutation(count)
    return rows[order], repeat[order]


# --- writing values the way exports do --------------------------------------------------------------


def _mask(rng: np.random.Generator, count: int, p: float | np.ndarray) -> np.ndarray:
    return rng.random(count) < p


def _where(mask: np.ndarray, then: pl.Series, otherwise: pl.Series | None = None) -> pl.Series:
    """``then`` where ``mask``, else ``otherwise`` (null by default)."""
    frame = pl.DataFrame({"mask": mask, "then": then})
    if otherwise is None:
        return frame.select(pl.when("mask").then("then")).to_series()
    return (
        frame.with_columns(otherwise.alias("otherwise"))
        .select(pl.when("mask").then("then").otherwise("otherwise"))
        .to_series()
    )


def _pick(
    rng: np.random.Generator, options: Sequence[str], count: int, p: Sequence[float] | None = None
) -> pl.Series:
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return pl.Series(list(options), dtype=pl.String).gather(
        rng.choice(len(options), count, p=weights)
    )


@dataclass(frozen=True)
class _NameStyle:
    """How a source writes company names: shares of the forms, and of the ways they go wrong."""

    bare: float  # `Вектор`
    before: float  # `ООО «Вектор»`
    after: float  # `Вектор, ООО`
    long: float  # `Общество с ограниченной ответственностью "Вектор"`
    initials: float  # sole traders: `ИП Иванов И.И.`
    sign: float = 0.0  # rows of a company with a shop sign that show the sign
    caps: float = 0.0
    plain_e: float = 0.0  # ё written as е
    typo: float = 0.0
    latin: float = 0.0  # Latin look-alike letters
    truncate: float = 0.0  # last word dropped (`Альфа-Строй` for `Альфа-Строй Поволжье`)


def _typo(text: str, where: float, how: float) -> str:
    """One keyboard slip in ``text`` (never in its first letter): a letter dropped, swapped, hit beside, doubled."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()][1:]
    if not letters:
        return text
    i = letters[int(where * len(letters))]
    ch = text[i]
    op = int(how * 4)
    if op == 1 and i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != ch:
        return text[:i] + text[i + 1] + ch + text[i + 2 :]
    if op == 2 and ch.lower() in _KEY_NEIGHBOURS:
        options = _KEY_NEIGHBOURS[ch.lower()]
        new = options[int(where * 997) % len(options)]
        return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1 :]
    if op == 3:
        return text[:i] + ch + text[i:]
    return text[:i] + text[i + 1 :]


def _latin(text: str, where: float, how: float) -> str:
    """Latin look-alikes typed into a Cyrillic name: the legal form (`OOO`) and/or one letter (`Pомашка`)."""
    if how < 0.5 and text[:3] in {"ООО", "ТОО"}:
        text = text[:3].translate(_LOOKALIKE) + text[3:]
    spots = [i for i, ch in enumerate(text) if ch in _LOOKALIKE_LETTERS]
    if not spots:
        return text
    i = spots[int(where * len(spots))]
    return text[:i] + text[i].translate(_LOOKALIKE) + text[i + 1 :]


def _apply(
    values: pl.Series,
    mask: np.ndarray,
    change: Callable[[str, float, float], str],
    rng: np.random.Generator,
) -> pl.Series:
    """``change(value, u1, u2)`` on the masked values, in Python: only a few per cent of the rows."""
    rows = np.flatnonzero(mask & values.is_not_null().to_numpy())
    if not len(rows):
        return values
    u1, u2 = rng.random(len(rows)).tolist(), rng.random(len(rows)).tolist()
    old = values.gather(rows).to_list()
    new = [change(v, a, b) for v, a, b in zip(old, u1, u2, strict=True)]
    return values.clone().scatter(rows, pl.Series(new, dtype=pl.String))


def _names(
    rng: np.random.Generator,
    e: pl.DataFrame,
    style: _NameStyle,
    tally: Counter[str],
    *,
    two_gis: bool = False,
) -> tuple[pl.Series, dict[str, np.ndarray]]:
    """The company cell of each row, and which rows carry a typo, caps, Latin letters, a cut name, a sign."""
    m = e.height
    typo = _mask(rng, m, style.typo)
    core = e.get_column("core")
    cut = _mask(rng, m, style.truncate) & core.str.contains(" ").to_numpy()
    core = _where(cut, core.str.replace(r"\s+\S+$", ""), core).alias("core")
    core = _apply(core, typo, _typo, rng)
    sign = _apply(e.get_column("sign"), typo, _typo, rng)
    form_choice = rng.choice(
        5, m, p=[style.bare, style.before, style.after, style.long, style.initials]
    )
    quote = rng.choice(len(_QUOTES), m, p=[0.33, 0.45, 0.05, 0.05, 0.04, 0.08])
    use_sign = _mask(rng, m, style.sign) & e.get_column("sign").is_not_null().to_numpy()
    frame = e.select(
        "kind", "prefix", "owner_surname", "owner_first", "owner_patronymic", "sign_type", "brand"
    ).with_columns(
        core,
        sign.alias("sign"),
        pl.Series("form", form_choice),
        pl.Series("qo", [q[0] for q in _QUOTES]).gather(quote),
        pl.Series("qc", [q[1] for q in _QUOTES]).gather(quote),
        pl.Series("inner", _mask(rng, m, 0.4)),
        pl.Series("after_comma", _mask(rng, m, 0.5)),
        pl.Series("use_sign", use_sign),
        pl.Series("sign_quoted", _mask(rng, m, 0.15)),
        pl.Series("sign_2gis", _mask(rng, m, 0.6 if two_gis else 0.0)),
        pl.Series("spaced", _mask(rng, m, 0.5)),
    )
    person = pl.col("kind") == "ИП"
    full = (
        pl.when(pl.col("prefix") != "")
        .then(
            pl.concat_str(
                "prefix",
                pl.lit(" "),
                pl.when("inner").then(pl.format('"{}"', "core")).otherwise("core"),
            )
        )
        .otherwise("core")
    )
    quoted = pl.concat_str("qo", full, "qc")
    long_form = pl.col("kind").replace_strict(_LONG_FORMS, default="")
    company = (
        pl.when(pl.col("form") == 1)
        .then(pl.concat_str("kind", pl.lit(" "), quoted))
        .when((pl.col("form") == 2) & pl.col("after_comma"))
        .then(pl.concat_str(full, pl.lit(", "), "kind"))
        .when(pl.col("form") == 2)
        .then(pl.concat_str(quoted, pl.lit(" "), "kind"))
        .when(pl.col("form") == 3)
        .then(pl.concat_str(long_form, pl.lit(" "), quoted))
        .otherwise(full)
    )
    initials = pl.concat_str(
        pl.col("owner_first").str.slice(0, 1),
        pl.lit("."),
        pl.when("spaced").then(pl.lit(" ")).otherwise(pl.lit("")),
        pl.col("owner_patronymic").str.slice(0, 1),
        pl.lit("."),
    )
    sole_trader = (
        pl.when(pl.col("form") == 1)
        .then(pl.concat_str(pl.lit("ИП "), "core"))
        .when(pl.col("form") == 2)
        .then(pl.concat_str("core", pl.lit(", ИП")))
        .when(pl.col("form") == 3)
        .then(pl.concat_str(long_form, pl.lit(" "), "core"))
        .when(pl.col("form") == 4)
        .then(pl.concat_str(pl.lit("ИП "), "owner_surname", pl.lit(" "), initials))
        .otherwise("core")
    )
    shop = (
        pl.when(pl.col("sign_2gis") & pl.col("sign_type").is_not_null())
        .then(pl.concat_str("brand", pl.lit(", "), pl.col("sign_type").str.to_lowercase()))
        .when(pl.col("sign_quoted") & pl.col("sign_type").is_not_null())
        .then(pl.concat_str("sign_type", pl.lit(" «"), "brand", pl.lit("»")))
        .otherwise("sign")
    )
    name = frame.select(
        pl.when("use_sign").then(shop).when(person).then(sole_trader).otherwise(company)
    ).to_series()
    caps = _mask(rng, m, style.caps)
    plain_e = _mask(rng, m, style.plain_e)
    name = _where(caps, name.str.to_uppercase(), name)
    name = _where(plain_e, name.str.replace_all("ё", "е").str.replace_all("Ё", "Е"), name)
    latin = _mask(rng, m, style.latin)
    name = _apply(name, latin, _latin, rng)
    flags = {"typo": typo, "truncated": cut, "caps": caps, "latin": latin, "sign_shown": use_sign}
    for key, flag in flags.items():
        tally[f"name {key}"] += int(flag.sum())
    return name, flags


def _format_phone(nsn: pl.Expr, shape: pl.Expr) -> pl.Expr:
    """A 10-digit national number written in one of ``_SHAPES``."""
    four = nsn.str.slice(0, 4).is_in(list(_FOUR_DIGIT_AREAS))
    area = pl.when(four).then(nsn.str.slice(0, 4)).otherwise(nsn.str.slice(0, 3))
    sub = pl.when(four).then(nsn.str.slice(4)).otherwise(nsn.str.slice(3))
    a = pl.when(four).then(sub.str.slice(0, 2)).otherwise(sub.str.slice(0, 3))
    b = pl.when(four).then(sub.str.slice(2, 2)).otherwise(sub.str.slice(3, 2))
    c = pl.when(four).then(sub.str.slice(4, 2)).otherwise(sub.str.slice(5, 2))
    style = shape.replace_strict({i: s[3] for i, s in enumerate(_SHAPES)}, return_dtype=pl.Int8)
    subscriber = (
        pl.when(style == 0)
        .then(pl.concat_str(a, pl.lit("-"), b, pl.lit("-"), c))
        .when(style == 1)
        .then(pl.concat_str(a, pl.lit(" "), b, pl.lit(" "), c))
        .when(style == 3)
        .then(pl.concat_str(a, pl.lit("-"), b, c))
        .otherwise(sub)
    )
    part = [
        shape.replace_strict({i: s[k] for i, s in enumerate(_SHAPES)}, return_dtype=pl.String)
        for k in range(3)
    ]
    return pl.concat_str(part[0], part[1], area, part[2], subscriber)


def _is_landline(numbers: np.ndarray) -> np.ndarray:
    head = numbers // 10**7
    kz_mobile = np.isin(head, [int(p) for p in _KZ_MOBILE])
    return (numbers > 0) & (numbers // 10**9 != 9) & (head != 800) & ~kz_mobile


@dataclass(frozen=True)
class _PhoneStyle:
    """How a source writes numbers: shape weights, separators inside a cell, extensions and comments."""

    shapes: np.ndarray
    separators: tuple[tuple[str, float], ...] = ((", ", 1.0),)
    extension: float = 0.0  # of landlines
    comment: float = 0.0  # 2GIS: `84951234567 (секретарь)`


def _phone_cells(
    rng: np.random.Generator, slots: Sequence[np.ndarray], style: _PhoneStyle, tally: Counter[str]
) -> tuple[pl.Series, pl.Series]:
    """The numbers in ``slots`` (0 = none) written into one cell per row; and each row's numbers as E.164."""
    m = len(slots[0])
    grid = np.stack(slots, axis=1).astype(np.int64)
    for k in range(1, grid.shape[1]):  # a number written once per cell
        seen = (grid[:, k : k + 1] == grid[:, :k]).any(axis=1)
        grid[seen, k] = 0
    row = np.repeat(np.arange(m), grid.shape[1])
    number = grid.ravel()
    keep = number > 0
    row, number = row[keep], number[keep]
    count = len(number)
    shape = rng.choice(len(_SHAPES), count, p=style.shapes)
    extension = _is_landline(number) & _mask(rng, count, style.extension)
    ext_digits = np.where(
        rng.random(count) < 0.6, rng.integers(10, 999, count), rng.integers(1000, 9999, count)
    )
    comment = _mask(rng, count, style.comment)
    tally.update(
        {
            f"phone shape {_SHAPE_NAMES[i]}": int(c)
            for i, c in enumerate(np.bincount(shape, minlength=len(_SHAPES)))
        }
    )
    tally["phone extension"] += int(extension.sum())
    tally["phone comment"] += int(comment.sum())
    written = pl.DataFrame(
        {
            "row": row,
            "nsn": pl.Series(number).cast(pl.String),
            "shape": shape,
            "extension": extension,
            "ext": pl.Series(ext_digits).cast(pl.String),
            "ext_form": _gather(_EXT_FORMS, rng.integers(0, len(_EXT_FORMS), count)),
            "commented": comment,
            "comment": _gather(_2GIS_COMMENTS, rng.integers(0, len(_2GIS_COMMENTS), count)),
        }
    ).select(
        "row",
        pl.concat_str(
            _format_phone(pl.col("nsn"), pl.col("shape")),
            pl.when("extension")
            .then(pl.col("ext_form").str.replace("{}", pl.col("ext"), literal=True))
            .otherwise(pl.lit("")),
            pl.when("commented").then(pl.format(" ({})", "comment")).otherwise(pl.lit("")),
        ).alias("text"),
        pl.concat_str(pl.lit("+7"), "nsn").alias("e164"),
    )
    per_row = written.group_by("row", maintain_order=True).agg(
        pl.col("text").str.join("\x00"), pl.col("e164")
    )
    separator = rng.choice(len(style.separators), m, p=[w for _, w in style.separators])
    cells = (
        pl.DataFrame({"row": np.arange(m), "sep": separator})
        .join(per_row, on="row", how="left")
        .sort("row")
    )
    text = pl.col("text")
    for i, (sep, _) in enumerate(style.separators):
        text = (
            pl.when(pl.col("sep") == i)
            .then(pl.col("text").str.replace_all("\x00", sep, literal=True))
            .otherwise(text)
        )
    out = cells.select(
        text.alias("text"), pl.col("e164").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    return out.get_column("text"), out.get_column("e164")


def _broken_pieces(rng: np.random.Generator, numbers: np.ndarray) -> pl.Series:
    """Pieces that look like a number but are not one: no area code, too short, all zeros."""
    kind = rng.choice(3, len(numbers), p=[0.6, 0.3, 0.1])
    frame = pl.DataFrame({"nsn": pl.Series(numbers).cast(pl.String), "kind": kind})
    local = pl.concat_str(
        pl.col("nsn").str.slice(3, 3),
        pl.lit("-"),
        pl.col("nsn").str.slice(6, 2),
        pl.lit("-"),
        pl.col("nsn").str.slice(8, 2),
    )
    short = pl.concat_str(
        pl.lit("8 ("),
        pl.col("nsn").str.slice(0, 3),
        pl.lit(") "),
        pl.col("nsn").str.slice(3, 2),
        pl.lit("-"),
        pl.col("nsn").str.slice(5, 2),
    )
    return frame.select(
        pl.when(pl.col("kind") == 0)
        .then(local)
        .when(pl.col("kind") == 1)
        .then(short)
        .otherwise(pl.lit("+7 (000) 000-00-00"))
    ).to_series()


def _spoil_phones(
    rng: np.random.Generator,
    cell: pl.Series,
    numbers: pl.Series,
    own: np.ndarray,
    *,
    junk: float,
    broken: float,
    tally: Counter[str],
) -> tuple[pl.Series, pl.Series]:
    """Replace some cells with junk (`нет`, `уточняйте`) and add a broken piece (`123-45-67`) to others."""
    m = len(cell)
    is_junk = _mask(rng, m, junk)
    is_broken = ~is_junk & _mask(rng, m, broken) & (own > 0)
    piece = _broken_pieces(rng, np.where(own > 0, own, 4950000000))
    word = _pick(rng, _JUNK_PHONES, m)
    frame = pl.DataFrame(
        {"cell": cell, "piece": piece, "word": word, "junk": is_junk, "broken": is_broken}
    )
    out = frame.select(
        pl.when("junk")
        .then("word")
        .when(pl.col("broken") & pl.col("cell").is_null())
        .then("piece")
        .when("broken")
        .then(pl.concat_str("cell", pl.lit(", "), "piece"))
        .otherwise("cell")
    ).to_series()
    tally["phone junk cell"] += int(is_junk.sum())
    tally["phone broken piece"] += int(is_broken.sum())
    kept = pl.DataFrame({"junk": is_junk, "numbers": numbers}).select(
        pl.when("junk").then(pl.col("numbers").list.head(0)).otherwise("numbers")
    )
    return out.alias(cell.name), kept.to_series()


def _show(
    rng: np.random.Generator, numbers: pl.Series | np.ndarray, p: float | np.ndarray
) -> np.ndarray:
    """The numbers of rows where a source shows that role (probability ``p``), 0 elsewhere."""
    values = numbers.to_numpy() if isinstance(numbers, pl.Series) else numbers
    return np.where(rng.random(len(values)) < p, values, 0)


def _stale_numbers(
    rng: np.random.Generator, entities: pl.DataFrame, rows: np.ndarray
) -> np.ndarray:
    """For each row, the main number of another company of the same city (a number that changed hands)."""
    city = entities.get_column("city").to_numpy()
    main = entities.get_column("main").to_numpy()
    order = np.argsort(city, kind="stable")
    start = np.searchsorted(city[order], np.arange(len(_CITIES)))
    size = np.bincount(city, minlength=len(_CITIES))
    row_city = city[rows]
    pick = order[start[row_city] + (rng.random(len(rows)) * size[row_city]).astype(np.int64)]
    return np.where(pick == rows, 0, main[pick])


def _street(prefix: str, how: str) -> pl.Expr:
    """A street written fully (`Тверская улица`, `улица Ленина`), abbreviated (`ул. Ленина`), FIAS-style
    (`ул Ленина`) or bare (`Ленина`)."""
    name, kind, adjective = (
        pl.col(f"{prefix}street"),
        pl.col(f"{prefix}street_type"),
        pl.col(f"{prefix}street_adj"),
    )
    if how == "bare":
        return name
    column = {"full": 0, "abbr": 1, "fias": 2}[how]
    word = kind.replace_strict(
        {i: t[column] for i, t in enumerate(_STREET_TYPES)}, return_dtype=pl.String
    )
    if how == "fias":
        return pl.concat_str(word, pl.lit(" "), name)
    return (
        pl.when(adjective)
        .then(pl.concat_str(name, pl.lit(" "), word))
        .otherwise(pl.concat_str(word, pl.lit(" "), name))
    )


def _city_name(e: pl.DataFrame) -> pl.Series:
    return pl.Series("city_name", [c.name for c in _CITIES]).gather(e.get_column("city"))


def _city_written(rng: np.random.Generator, e: pl.DataFrame, empty: float) -> pl.Series:
    """A city as bought bases and CRMs write it: `г. Москва`, `МОСКВА`, `Мск`, `СПб`, `Питер`, or nothing."""
    m = e.height
    city = e.get_column("city").to_numpy()
    alias_options = [c.aliases or (c.name,) for c in _CITIES]
    alias = _alias_vectorized(rng, city, alias_options)
    frame = pl.DataFrame(
        {
            "name": _city_name(e),
            "alias": alias,
            "style": rng.choice(7, m, p=[0.36, 0.18, 0.12, 0.20, 0.05, 0.04, 0.05]),
        }
    )
    written = frame.select(
        pl.when(pl.col("style") == 1)
        .then(pl.concat_str(pl.lit("г. "), "name"))
        .when(pl.col("style") == 2)
        .then(pl.col("name").str.to_uppercase())
        .when(pl.col("style") == 3)
        .then("alias")
        .when(pl.col("style") == 4)
        .then(pl.col("name").str.to_lowercase())
        .when(pl.col("style") == 5)
        .then(pl.concat_str("name", pl.lit(" г")))
        .when(pl.col("style") == 6)
        .then(pl.concat_str(pl.lit("г."), "name"))
        .otherwise("name")
    ).to_series()
    return _where(~_mask(rng, m, empty), written)


def _alias_vectorized(
    rng: np.random.Generator, city: np.ndarray, options: list[tuple[str, ...]]
) -> pl.Series:
    width = max(len(o) for o in options)
    table = [o[k % len(o)] for o in options for k in range(width)]
    return _gather(table, city * width + rng.integers(0, width, len(city)))


def _more_categories(rng: np.random.Generator, category: pl.Series, share: float) -> pl.Series:
    """A second category after some (`Кафе, Кейтеринг`), as map exports list them."""
    m = len(category)
    other = _pick(rng, _B2B_CATEGORIES, m)
    return _where(
        _mask(rng, m, share) & (other != category).to_numpy(), category + ", " + other, category
    )


def _rows_frame(entities: pl.DataFrame, rows: np.ndarray) -> pl.DataFrame:
    return entities.select(pl.all().gather(pl.Series(rows)))


def _website(
    rng: np.random.Generator, e: pl.DataFrame, shown: float, forms: Sequence[float], social: float
) -> pl.Series:
    """The company site as a source writes it (`vektor.ru`, `https://vektor.ru/`, `http://www.vektor.ru`),
    or a social-network page for some companies without one."""
    m = e.height
    frame = pl.DataFrame(
        {
            "domain": e.get_column("domain"),
            "eid": e.get_column("eid"),
            "form": rng.choice(4, m, p=list(forms)),
        }
    )
    site = (
        pl.when(pl.col("form") == 1)
        .then(pl.format("https://{}/", "domain"))
        .when(pl.col("form") == 2)
        .then(pl.format("http://www.{}", "domain"))
        .when(pl.col("form") == 3)
        .then(pl.format("www.{}", "domain"))
        .otherwise("domain")
    )
    vk = pl.format("https://vk.com/club{}", (pl.col("eid") * 7919 % 99_999_989).cast(pl.String))
    out = frame.with_columns(
        pl.Series("shown", _mask(rng, m, shown)), pl.Series("social", _mask(rng, m, social))
    ).select(
        pl.when(pl.col("domain").is_not_null() & pl.col("shown"))
        .then(site)
        .when(pl.col("domain").is_null() & pl.col("social"))
        .then(vk)
    )
    return out.to_series()


def _house_part(building_style: str) -> pl.Expr:
    """`12, стр. 2` (maps), `д 12, стр 2` (FIAS) or `12 ст2` (2GIS)."""
    house, building = pl.col("house"), pl.col("building")
    if building_style == "2gis":
        short = building.str.replace("стр. ", "ст", literal=True).str.replace(
            "корп. ", "к", literal=True
        )
        return (
            pl.when(building.is_not_null())
            .then(pl.concat_str(house, pl.lit(" "), short))
            .otherwise(house)
        )
    return (
        pl.when(building.is_not_null())
        .then(pl.concat_str(house, pl.lit(", "), building))
        .otherwise(house)
    )


def _numbers_of(e: pl.DataFrame, role: str) -> np.ndarray:
    return e.get_column(role).to_numpy()


#: What ``Corpus.planted`` records per row, besides its numbers.
_FLAGS = ("typo", "truncated", "caps", "latin", "sign_shown", "stale", "inn_lost_zero")


def _with_meta(
    table: pl.DataFrame,
    e: pl.DataFrame,
    numbers: pl.Series,
    flags: dict[str, np.ndarray],
    repeat: np.ndarray,
) -> pl.DataFrame:
    """The written cells plus, in `_` columns, the truth and what was planted in each row."""
    none = np.zeros(e.height, dtype=bool)
    return table.with_columns(
        e.get_column("eid").alias("_eid"),
        numbers.alias("_numbers"),
        pl.Series("_repeat", repeat),
        *(pl.Series(f"_{key}", flags.get(key, none)) for key in _FLAGS),
    )


def _render_yandex(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """Yandex Maps: the shop sign, the city only inside the address, several numbers in one cell."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(0.55, 0.22, 0.08, 0.02, 0.13, sign=0.95, plain_e=0.05, typo=0.01, latin=0.01),
        tally,
    )
    # A company met twice is its second shop: another house, its other numbers.
    e = e.with_columns(
        pl.when(pl.Series(repeat))
        .then(pl.Series(rng.integers(1, 200, m)).cast(pl.String))
        .otherwise("house")
        .alias("house"),
        pl.when(pl.Series(repeat)).then(None).otherwise("office").alias("office"),
        _city_name(e),
        pl.Series("city_first", _mask(rng, m, 0.45)),
        pl.Series("office_shown", _mask(rng, m, 0.15)),
    )
    office = (
        pl.when(pl.col("office_shown") & pl.col("office").is_not_null())
        .then(pl.format(", офис {}", "office"))
        .otherwise(pl.lit(""))
    )
    address = e.select(
        pl.when("city_first")
        .then(
            pl.concat_str(
                "city_name",
                pl.lit(", "),
                _street("", "full"),
                pl.lit(", "),
                _house_part("maps"),
                office,
            )
        )
        .otherwise(
            pl.concat_str(
                _street("", "abbr"),
                pl.lit(", "),
                _house_part("maps"),
                office,
                pl.lit(", "),
                "city_name",
            )
        )
    ).to_series()
    callcentre = _show(rng, _numbers_of(e, "callcentre"), 0.7)
    main_p = np.where(repeat, 0.2, np.where(callcentre > 0, 0.5, 0.93))
    slots = [
        _show(rng, _numbers_of(e, "main"), main_p),
        _show(rng, _numbers_of(e, "alt"), np.where(repeat, 0.9, 0.4)),
        _show(rng, _numbers_of(e, "mobile"), np.where(repeat, 0.7, 0.45)),
        _show(rng, _numbers_of(e, "tollfree"), 0.6),
        _show(rng, _numbers_of(e, "reception"), 0.5),
        callcentre,
    ]
    none = _mask(rng, m, 0.04)
    slots = [np.where(none, 0, s) for s in slots]
    style = _PhoneStyle(
        _weights((0, 0.70), (13, 0.06), (1, 0.08), (2, 0.06), (4, 0.05), (7, 0.05)),
        ((", ", 0.7), ("\n", 0.3)),
        0.01,
    )
    phones, numbers = _phone_cells(rng, slots, style, tally)
    category = _more_categories(rng, e.get_column("category"), 0.2)
    rating = (
        pl.Series(np.round(rng.uniform(3.0, 5.0, m), 1))
        .cast(pl.String)
        .str.replace(".", ",", literal=True)
    )
    table = pl.DataFrame(
        {
            "Название": name,
            "Адрес": address,
            "Телефоны": phones,
            "Сайт": _website(rng, e, 0.85, (0.35, 0.30, 0.20, 0.15), 0.06),
            "Категория": category,
            "Рейтинг": _where(_mask(rng, m, 0.7), rating),
        }
    )
    return _with_meta(table, e, numbers, flags, repeat)


def _render_directory(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """A legal-entity directory: long-form (often upper-case) names, INN, OGRN, region, registered address."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(0.0, 0.22, 0.0, 0.75, 0.03, caps=0.35, plain_e=0.5, typo=0.003, latin=0.002),
        tally,
    )
    caps = flags["caps"]
    inn = e.get_column("inn")
    lost_zero = inn.str.starts_with("0").to_numpy() & _mask(rng, m, 0.6)
    inn = _where(lost_zero, inn.str.slice(1), inn)
    inn = _where(~_mask(rng, m, 0.005), inn)
    tally["inn lost leading zero"] += int(lost_zero.sum())
    flags["inn_lost_zero"] = lost_zero
    region = pl.Series([c.region or "" for c in _CITIES]).gather(e.get_column("city"))
    capital = region.str.starts_with("г. ").to_numpy() & _mask(rng, m, 0.5)
    region = _where(capital, region.str.slice(3), region)
    short_region = region.str.replace(" область", " обл", literal=True).str.replace(
        "Республика ", "Респ ", literal=True
    )
    e = e.with_columns(
        _city_name(e),
        short_region.alias("short_region"),
        pl.Series("fias", _mask(rng, m, 0.7)),
    )
    region_part = (
        pl.when(
            pl.col("short_region").str.starts_with("г. ")
            | (pl.col("short_region") == pl.col("city_name"))
            | (pl.col("short_region") == "")
        )
        .then(pl.lit(""))
        .otherwise(pl.format("{}, ", "short_region"))
    )
    office = pl.when(pl.col("legal_office").is_not_null())
    address = e.select(
        pl.when("fias")
        .then(
            pl.concat_str(
                "postcode",
                pl.lit(", "),
                region_part,
                pl.lit("г "),
                "city_name",
                pl.lit(", "),
                _street("legal_", "fias"),
                pl.lit(", д "),
                "legal_house",
                office.then(pl.format(", офис {}", "legal_office")).otherwise(pl.lit("")),
            )
        )
        .otherwise(
            pl.concat_str(
                "postcode",
                pl.lit(", г. "),
                "city_name",
                pl.lit(", "),
                _street("legal_", "abbr"),
                pl.lit(", д. "),
                "legal_house",
                office.then(pl.format(", оф. {}", "legal_office")).otherwise(pl.lit("")),
            )
        )
    ).to_series()
    accountant = _show(rng, _numbers_of(e, "accountant"), 0.75)
    slots = [
        _show(rng, _numbers_of(e, "main"), np.where(accountant > 0, 0.35, 0.85)),
        accountant,
        _show(rng, _numbers_of(e, "mobile"), 0.25),
        _show(rng, _numbers_of(e, "alt"), 0.1),
    ]
    none = _mask(rng, m, 0.15)
    slots = [np.where(none, 0, s) for s in slots]
    style = _PhoneStyle(
        _weights(
            (1, 0.25),
            (2, 0.10),
            (6, 0.10),
            (3, 0.08),
            (10, 0.10),
            (7, 0.10),
            (5, 0.10),
            (9, 0.05),
            (14, 0.07),
            (12, 0.05),
        ),
        ((", ", 0.8), ("; ", 0.2)),
        0.04,
    )
    phones, numbers = _phone_cells(rng, slots, style, tally)
    phones, numbers = _spoil_phones(
        rng, phones, numbers, _numbers_of(e, "main"), junk=0.01, broken=0.01, tally=tally
    )
    email = e.get_column("email")
    # Some firms list a second, free mailbox: `info@vektor.ru, buh@mail.ru`.
    second = _where(_mask(rng, m, 0.05), ", buh@" + _pick(rng, _FREE_MAIL, m), pl.Series([""] * m))
    email = _where(_mask(rng, m, 0.45), email + second)
    person = (e.get_column("kind") == "ИП").to_numpy()
    head = _where(person, e.get_column("owner"), e.get_column("director"))
    head = _where(caps, head.str.to_uppercase(), head)
    address = _where(caps, address.str.to_uppercase(), address)
    table = pl.DataFrame(
        {
            "Полное наименование": name,
            "ИНН": inn,
            "ОГРН": e.get_column("ogrn"),
            "Регион": region,
            "Адрес": address,
            "Телефон": phones,
            "E-mail": email,
            "Руководитель": head,
        }
    )
    return _with_meta(table, e, numbers, flags, repeat).sort(
        ["Регион", "Полное наименование"], maintain_order=True
    )


def _render_2gis(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """2GIS parser: `Колосок, пекарня`, the city in its own column, `84951234567 (секретарь)` in Телефон 1..2."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(0.38, 0.18, 0.36, 0.0, 0.08, sign=0.9, plain_e=0.1, typo=0.005, latin=0.005),
        tally,
        two_gis=True,
    )
    e = e.with_columns(
        pl.Series("bare", _mask(rng, m, 0.5)), pl.Series("office_shown", _mask(rng, m, 0.25))
    )
    office = (
        pl.when(pl.col("office_shown") & pl.col("office").is_not_null())
        .then(pl.format(", офис {}", "office"))
        .otherwise(pl.lit(""))
    )
    address = e.select(
        pl.concat_str(
            pl.when("bare").then(_street("", "bare")).otherwise(_street("", "full")),
            pl.lit(", "),
            _house_part("2gis"),
            office,
        )
    ).to_series()
    main = _numbers_of(e, "main")
    first = main.copy()
    reception = _show(rng, _numbers_of(e, "reception"), 0.4)
    first = np.where(reception > 0, reception, first)
    callcentre = _show(rng, _numbers_of(e, "callcentre"), 0.6)
    first = np.where(callcentre > 0, callcentre, first)
    candidates = [
        np.where(first != main, _show(rng, main, 0.5), 0),
        _show(rng, _numbers_of(e, "alt"), 0.5),
        _show(rng, _numbers_of(e, "mobile"), 0.6),
        _show(rng, _numbers_of(e, "tollfree"), 0.5),
    ]
    second = np.zeros(m, dtype=np.int64)
    for option in reversed(candidates):
        second = np.where(option > 0, option, second)
    style = _PhoneStyle(_weights((3, 0.78), (4, 0.12), (1, 0.10)), comment=0.12)
    phone1, numbers1 = _phone_cells(rng, [first], style, tally)
    phone2, numbers2 = _phone_cells(rng, [second], style, tally)
    rubric = _more_categories(rng, e.get_column("category"), 0.3)
    table = pl.DataFrame(
        {
            "Наименование": name,
            "Рубрики": rubric,
            "Адрес": address,
            "Город": _where(~_mask(rng, m, 0.04), _city_name(e)),
            "Телефон 1": phone1,
            "Телефон 2": phone2,
            "E-mail 1": _where(_mask(rng, m, 0.4), e.get_column("email")),
            "Веб-сайт 1": _website(rng, e, 0.85, (0.1, 0.3, 0.6, 0.0), 0.05),
        }
    )
    numbers = (
        pl.DataFrame({"a": numbers1, "b": numbers2}).select(pl.concat_list("a", "b")).to_series()
    )
    return _with_meta(table, e, numbers, flags, repeat)


def _render_google(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """A Google Maps scraper: one number in the national format, Google's address with region and postcode."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(0.74, 0.14, 0.04, 0.0, 0.08, sign=0.95, plain_e=0.1, typo=0.005, latin=0.005),
        tally,
    )
    region = pl.Series([(c.region or "").replace(" область", " обл.") for c in _CITIES]).gather(
        e.get_column("city")
    )
    e = e.with_columns(
        _city_name(e), region.alias("region"), pl.Series("russia", _mask(rng, m, 0.3))
    )
    region_part = (
        pl.when(pl.col("region").str.starts_with("г. ") | (pl.col("region") == ""))
        .then(pl.lit(""))
        .otherwise(pl.format(", {}", "region"))
    )
    address = e.select(
        pl.when("kz")
        .then(
            pl.concat_str(
                _street("", "abbr"),
                pl.lit(", "),
                "house",
                pl.lit(", "),
                "city_name",
                pl.lit(" "),
                "postcode",
                pl.lit(", Казахстан"),
            )
        )
        .otherwise(
            pl.concat_str(
                _street("", "abbr"),
                pl.lit(", "),
                _house_part("maps"),
                pl.lit(", "),
                "city_name",
                region_part,
                pl.when("russia").then(pl.lit(", Россия")).otherwise(pl.lit("")),
                pl.lit(", "),
                "postcode",
            )
        )
    ).to_series()
    one = _numbers_of(e, "main")
    for role, p in (("tollfree", 0.3), ("reception", 0.3), ("callcentre", 0.6)):
        shown = _show(rng, _numbers_of(e, role), p)
        one = np.where(shown > 0, shown, one)
    one = np.where(_mask(rng, m, 0.07), 0, one)
    phone, numbers = _phone_cells(rng, [one], _PhoneStyle(_weights((1, 0.65), (2, 0.35))), tally)
    reviews = np.floor(rng.lognormal(2.5, 1.4, m)).astype(np.int64)
    has_reviews = _mask(rng, m, 0.88)
    rating = pl.Series(np.round(np.clip(rng.normal(4.4, 0.4, m), 1.0, 5.0), 1)).cast(pl.String)
    table = pl.DataFrame(
        {
            "title": name,
            "category": e.get_column("category"),
            "address": address,
            "website": _website(rng, e, 0.8, (0.0, 0.7, 0.3, 0.0), 0.04),
            "phone": phone,
            "review_count": _where(has_reviews, pl.Series(reviews).cast(pl.String)),
            "review_rating": _where(has_reviews, rating),
        }
    )
    return _with_meta(table, e, numbers, flags, repeat)


def _render_bought(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """A bought base: short names with typos, numbers nobody else has (or that now belong to another firm)."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(
            0.45,
            0.38,
            0.05,
            0.02,
            0.10,
            sign=0.25,
            caps=0.15,
            plain_e=0.7,
            typo=0.18,
            latin=0.06,
            truncate=0.08,
        ),
        tally,
    )
    which = rng.choice(4, m, p=[0.38, 0.46, 0.08, 0.08])  # old number, current main, stale, none
    stale = _stale_numbers(rng, entities, rows)
    main_slot = np.select(
        [which == 0, which == 1, (which == 2) & (stale > 0), which == 2],
        [_numbers_of(e, "old"), _numbers_of(e, "main"), stale, _numbers_of(e, "old")],
        0,
    )
    flags["stale"] = (which == 2) & (stale > 0)
    tally["stale number"] += int(flags["stale"].sum())
    add_kind = rng.random(m)
    add_slot = np.where(
        add_kind < 0.30,
        _numbers_of(e, "manager"),
        np.where(add_kind < 0.40, _numbers_of(e, "mobile"), 0),
    )
    style = _PhoneStyle(_MESSY, extension=0.03)
    phone_main, numbers_main = _phone_cells(rng, [main_slot], style, tally)
    phone_main, numbers_main = _spoil_phones(
        rng, phone_main, numbers_main, _numbers_of(e, "main"), junk=0.05, broken=0.0, tally=tally
    )
    phone_add, numbers_add = _phone_cells(rng, [add_slot], style, tally)
    phone_add, numbers_add = _spoil_phones(
        rng, phone_add, numbers_add, _numbers_of(e, "main"), junk=0.0, broken=0.04, tally=tally
    )
    contact = _where(
        _mask(rng, m, 0.45),
        _where(_mask(rng, m, 0.5), _pick(rng, _BOUGHT_CONTACTS, m), e.get_column("director_first")),
    )
    table = pl.DataFrame(
        {
            "Org": name,
            "Phone_main": phone_main,
            "Phone_add": phone_add,
            "Town": _city_written(rng, e, 0.25),
            "Contact_person": contact,
        }
    )
    numbers = (
        pl.DataFrame({"a": numbers_main, "b": numbers_add})
        .select(pl.concat_list("a", "b"))
        .to_series()
    )
    return _with_meta(table, e, numbers, flags, repeat)


def _potential(rng: np.random.Generator, m: int) -> pl.Series:
    """Money as Russian spreadsheets write it: `1 200 000,50` (non-breaking spaces), `350 000 руб.`, `1,2 млн`."""
    value = np.round(rng.lognormal(np.log(400_000), 1.1, m), -3).astype(np.int64)
    kopecks = np.where(rng.random(m) < 0.5, 0, rng.integers(1, 100, m))
    frame = pl.DataFrame(
        {
            "v": value,
            "kop": kopecks,
            "style": rng.choice(7, m, p=[0.30, 0.20, 0.20, 0.05, 0.05, 0.03, 0.17]),
        }
    )
    millions, thousands, units = (
        pl.col("v") // 1_000_000,
        pl.col("v") // 1000 % 1000,
        pl.col("v") % 1000,
    )

    def grouped(sep: str) -> pl.Expr:
        return (
            pl.when(millions > 0)
            .then(
                pl.concat_str(
                    millions.cast(pl.String),
                    pl.lit(sep),
                    thousands.cast(pl.String).str.zfill(3),
                    pl.lit(sep),
                    units.cast(pl.String).str.zfill(3),
                )
            )
            .when(thousands > 0)
            .then(
                pl.concat_str(
                    thousands.cast(pl.String), pl.lit(sep), units.cast(pl.String).str.zfill(3)
                )
            )
            .otherwise(units.cast(pl.String))
        )

    return frame.select(
        pl.when(pl.col("style") == 0)
        .then(
            pl.concat_str(
                grouped("\u00a0"), pl.lit(","), pl.col("kop").cast(pl.String).str.zfill(2)
            )
        )
        .when(pl.col("style") == 1)
        .then(pl.concat_str(grouped(" "), pl.lit(" руб.")))
        .when(pl.col("style") == 2)
        .then(pl.col("v").cast(pl.String))
        .when(pl.col("style") == 3)
        .then(
            pl.concat_str(
                (pl.col("v") / 1_000_000)
                .round(1)
                .cast(pl.String)
                .str.replace(".", ",", literal=True),
                pl.lit(" млн"),
            )
        )
        .when(pl.col("style") == 4)
        .then(pl.concat_str(grouped(" "), pl.lit(" р.")))
        .when(pl.col("style") == 5)
        .then(pl.lit("н/д"))
    ).to_series()


def _render_crm(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    rows: np.ndarray,
    repeat: np.ndarray,
    tally: Counter[str],
) -> pl.DataFrame:
    """An old CRM dump: caps and typos, a number of its own, a manager's mobile, channel and potential."""
    e = _rows_frame(entities, rows)
    m = e.height
    name, flags = _names(
        rng,
        e,
        _NameStyle(
            0.35, 0.45, 0.08, 0.03, 0.09, sign=0.15, caps=0.30, plain_e=0.8, typo=0.15, latin=0.04
        ),
        tally,
    )
    which = rng.choice(3, m, p=[0.50, 0.40, 0.10])  # current main, the CRM's own, none
    office = np.select(
        [which == 0, which == 1], [_numbers_of(e, "main"), _numbers_of(e, "crm_own")], 0
    )
    style = _PhoneStyle(_MESSY, extension=0.08)
    phone, numbers_phone = _phone_cells(rng, [office], style, tally)
    phone, numbers_phone = _spoil_phones(
        rng, phone, numbers_phone, _numbers_of(e, "main"), junk=0.08, broken=0.04, tally=tally
    )
    mobile_kind = rng.random(m)
    mobile_slot = np.where(
        mobile_kind < 0.45,
        _numbers_of(e, "manager"),
        np.where(mobile_kind < 0.55, _numbers_of(e, "mobile"), 0),
    )
    mobile, numbers_mobile = _phone_cells(rng, [mobile_slot], _PhoneStyle(_MESSY), tally)
    channel = _where(~_mask(rng, m, 0.1), _pick(rng, _CHANNELS, m))
    table = pl.DataFrame(
        {
            "Клиент": name,
            "Тел.": phone,
            "Моб.": mobile,
            "Нас. пункт": _city_written(rng, e, 0.08),
            "Менеджер": _pick(rng, _MANAGERS, m),
            "Канал": channel,
            "Потенциал": _potential(rng, m),
        }
    )
    numbers = (
        pl.DataFrame({"a": numbers_phone, "b": numbers_mobile})
        .select(pl.concat_list("a", "b"))
        .to_series()
    )
    return _with_meta(table, e, numbers, flags, repeat).sort(
        pl.col("Клиент").str.to_lowercase(), maintain_order=True
    )


_RENDER = {
    _YANDEX.key: _render_yandex,
    _DIRECTORY.key: _render_directory,
    _2GIS.key: _render_2gis,
    _GOOGLE.key: _render_google,
    _BOUGHT.key: _render_bought,
    _CRM.key: _render_crm,
}

#: Per source: share of blank rows, of rows with a stray cell beyond the header, and cells with a broken value.
_BLANK = {"directory": 0.001, "crm": 0.005, "bought": 0.003, "2gis": 0.0005}
_STRAY = {
    "crm": (0.003, _CRM_NOTES),
    "bought": (0.002, ("Петрович", "уволился", "звонить после 14")),
}
_BROKEN = {
    "yandex": ("Сайт", 0.003),
    "directory": ("E-mail", 0.002),
    "2gis": ("Веб-сайт 1", 0.002),
    "google": ("review_rating", 0.002),
    "bought": ("Contact_person", 0.003),
    "crm": ("Потенциал", 0.004),
}


def _add_blank_and_stray(
    rng: np.random.Generator, source: _Source, table: pl.DataFrame, tally: Counter[str]
) -> pl.DataFrame:
    """Blank rows between the records, a stray cell beyond the header, `#Н/Д`-like values."""
    m = table.height
    column, p = _BROKEN[source.key]
    broken = _mask(rng, m, p)
    table = table.with_columns(
        pl.when(pl.Series(broken))
        .then(_pick(rng, _BROKEN_CELLS, m))
        .otherwise(pl.col(column))
        .alias(column)
    )
    tally[f"{source.key}: broken value in {column}"] += int(broken.sum())
    if source.key in _STRAY:
        share, notes = _STRAY[source.key]
        stray = np.zeros(m, dtype=bool)
        stray[rng.choice(m, max(1, round(m * share)), replace=False)] = True
        table = table.with_columns(_where(stray, _pick(rng, notes, m)).alias("_extra"))
        tally[f"{source.key}: rows with a stray cell"] += int(stray.sum())
    blanks = max(1, round(m * _BLANK[source.key])) if source.key in _BLANK else 0
    tally[f"{source.key}: blank rows"] += blanks
    if not blanks:
        return table
    at = np.sort(rng.integers(1, m, blanks)) + np.arange(blanks)  # positions in the longer table
    position = np.ones(m + blanks, dtype=bool)
    position[at] = False
    index = np.full(m + blanks, -1, dtype=np.int64)
    index[position] = np.arange(m)
    gathered = table.select(pl.all().gather(pl.Series(np.where(index < 0, 0, index))))
    blank = pl.Series(index < 0)
    return gathered.with_columns(
        pl.when(blank).then(None).otherwise(pl.col(c)).alias(c)
        for c in gathered.columns
        if c != "_numbers"
    ).with_columns(
        pl.when(blank)
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise("_numbers")
        .alias("_numbers")
    )


# --- the lead table, the files ----------------------------------------------------------------------


def _file_name(source: _Source, yandex_xlsx: bool) -> str:
    return "yandex_maps.xlsx" if source is _YANDEX and yandex_xlsx else source.file


def _lead_table(
    tables: dict[str, pl.DataFrame], yandex_xlsx: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What ``leadkit import`` reads from the files: one lead per non-blank row, in the import's file order."""
    leads, planted = [], []
    for source in sorted(_SOURCES, key=lambda s: _file_name(s, yandex_xlsx)):
        table = tables[source.key]
        workbook = source is _YANDEX and yandex_xlsx
        header_row = len(_YANDEX_TITLE) + 1 if workbook else 1
        cells = [*source.header, *(["_extra"] if "_extra" in table.columns else [])]

        def text(column: str) -> pl.Expr:
            stripped = pl.col(column).str.strip_chars()
            return pl.when(stripped.str.len_chars() > 0).then(stripped)

        fields = []
        for name in C.SOURCE_FIELDS:
            columns = source.fields.get(name, ())
            if not columns:
                fields.append(pl.lit(None, dtype=pl.String).alias(name))
            elif len(columns) == 1:
                fields.append(text(columns[0]).alias(name))
            else:
                joined = pl.concat_str(
                    [text(c) for c in columns], separator="; ", ignore_nulls=True
                )
                fields.append(pl.when(joined.str.len_chars() > 0).then(joined).alias(name))
        rows = table.with_row_index("_i").filter(
            pl.any_horizontal(text(c).is_not_null() for c in cells)
        )
        leads.append(
            rows.select(
                pl.lit(_file_name(source, yandex_xlsx)).alias(C.SOURCE),
                pl.lit(_YANDEX_SHEET if workbook else None, dtype=pl.String).alias(C.SOURCE_SHEET),
                (pl.col("_i") + header_row + 1).cast(pl.String).alias(C.SOURCE_ROW),
                *fields,
            )
        )
        planted.append(
            rows.select(
                pl.lit(source.key).alias("source_key"),
                pl.format("E{}", pl.col("_eid").cast(pl.String).str.zfill(7)).alias("entity_id"),
                pl.col("_numbers").alias("numbers"),
                *(
                    pl.col(c).alias(c[1:])
                    for c in rows.columns
                    if c.startswith("_") and c not in {"_i", "_eid", "_numbers", "_extra"}
                ),
            )
        )
    lead_table = pl.concat(leads)
    lead_id = pl.format("C{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(15)).alias(
        C.LEAD_ID
    )
    lead_table = lead_table.select(lead_id, pl.all())
    planted_table = pl.concat(planted).select(lead_table.get_column(C.LEAD_ID), pl.all())
    return lead_table, planted_table


def _csv_text(table: pl.DataFrame, source: _Source) -> str:
    """The records as delimited text, quoted where needed (Yandex parsers quote every cell)."""
    delimiter = source.delimiter
    special = f'["\\r\\n{delimiter}]'
    quote_all = source is _YANDEX

    def cell(column: str) -> pl.Expr:
        value = pl.col(column).fill_null("")
        quoted = pl.concat_str(
            pl.lit('"'), value.str.replace_all('"', '""', literal=True), pl.lit('"')
        )
        if quote_all:
            return pl.when(pl.col(column).is_null()).then(pl.lit("")).otherwise(quoted)
        return pl.when(value.str.contains(special)).then(quoted).otherwise(value)

    line = pl.concat_str([cell(c) for c in source.header], separator=delimiter)
    if "_extra" in table.columns:
        line = (
            pl.when(pl.col("_extra").is_not_null())
            .then(pl.concat_str(line, pl.lit(delimiter), cell("_extra")))
            .otherwise(line)
        )
    body = table.select(line.str.join(source.eol)).item()
    header = delimiter.join(f'"{h}"' if quote_all else h for h in source.header)
    return header + source.eol + body + source.eol


def _write_xlsx(path: Path, source: _Source, table: pl.DataFrame) -> None:
    """Yandex as a workbook: a title block above the header, and a notes sheet that holds no table."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(_YANDEX_SHEET)
    for r, title in enumerate(_YANDEX_TITLE):
        if title:
            sheet.write_string(r, 0, title)
    header_at = len(_YANDEX_TITLE)
    for c, name in enumerate(source.header):
        sheet.write_string(header_at, c, name)
    for r, record in enumerate(table.select(source.header).iter_rows(), start=header_at + 1):
        for c, value in enumerate(record):
            if value is not None:
                sheet.write_string(r, c, value)
    notes = workbook.add_worksheet("Справка")
    notes.write_string(0, 0, "Данные собраны из открытых источников.")
    notes.write_string(1, 0, "Проверяйте актуальность перед звонком.")
    workbook.close()


# --- what was planted -------------------------------------------------------------------------------


def _count(mask: pl.Series) -> int:
    return int(mask.sum())


def _share(mask: pl.Series) -> float:
    return round(int(mask.sum()) / max(len(mask), 1), 3)


def _stats(
    entities: pl.DataFrame, leads: pl.DataFrame, planted: pl.DataFrame, tally: Counter[str]
) -> dict[str, float]:
    """Counts and shares of what the corpus holds, for ``--stats`` and the tests."""
    stats: dict[str, float] = {"leads": leads.height}
    for source in _SOURCES:
        stats[f"rows {source.file}"] = _count(planted.get_column("source_key") == source.key)
    per_entity = planted.group_by("entity_id").agg(
        pl.len().alias("records"), pl.col("source_key").n_unique().alias("sources")
    )
    records = per_entity.get_column("records")
    shown = entities.join(per_entity.select("entity_id"), on="entity_id")
    stats["entities (companies in the truth)"] = per_entity.height
    stats["universe (companies, also those no source shows)"] = entities.height
    for k in (1, 2, 3, 4):
        stats[f"entities with {k} record(s)"] = _count(records == k)
    stats["entities with 5+ records"] = _count(records >= 5)
    stats["entities in 2+ sources, share"] = _share(per_entity.get_column("sources") >= 2)
    stats["true duplicate pairs"] = int((records * (records - 1) // 2).sum())
    city = shown.get_column("city")
    stats["entities in Moscow, share"] = _share(city == 0)
    stats["entities in St Petersburg, share"] = _share(city == 1)
    stats["entities in Kazakhstan, share"] = _share(shown.get_column("kz"))
    for kind in ("ООО", "ИП", "ТОО", "АО"):
        stats[f"entities {kind}, share"] = _share(shown.get_column("kind") == kind)
    stats["entities with a shop sign, share"] = _share(shown.get_column("sign").is_not_null())
    stats["chain branches (own INN, shared brand and site)"] = _count(
        shown.get_column("chain") >= 0
    )
    stats["common-name entities, share"] = _share(shown.get_column("name_class") == "common")
    namesakes = shown.filter(pl.col("name_class") == "common").group_by("core", "city").len()
    stats["namesake groups (one name, one city) of 5+ companies"] = _count(namesakes["len"] >= 5)
    stats["largest namesake group in one city"] = int(namesakes["len"].to_numpy().max(initial=0))
    stats["business-centre tenants"] = _count(shown.get_column("bc") >= 0)
    numbers = planted.select("entity_id", "lead_id", "numbers").explode("numbers").drop_nulls()
    by_number = numbers.group_by("numbers").agg(pl.col("entity_id").n_unique().alias("entities"))
    hubs = by_number.filter(pl.col("entities") >= 5)
    stats["numbers shared by 5+ companies (hubs)"] = hubs.height
    stats["largest hub (companies)"] = int(hubs["entities"].to_numpy().max(initial=0))
    stats["rows showing a hub number"] = numbers.join(hubs, on="numbers")["lead_id"].n_unique()
    linked = numbers.group_by("entity_id", "numbers").agg(pl.col("lead_id").n_unique().alias("n"))
    linked_entities = linked.filter(pl.col("n") >= 2).get_column("entity_id").unique()
    multi = per_entity.filter(pl.col("records") >= 2).get_column("entity_id")
    stats["multi-record companies"] = multi.len()
    stats["multi-record companies whose records share no number"] = _count(
        ~multi.is_in(linked_entities.implode())
    )
    stats["rows with no valid number"] = _count(planted.get_column("numbers").list.len() == 0)
    written = sum(v for k, v in tally.items() if k.startswith("phone shape "))
    for key, value in sorted(tally.items()):
        stats[key] = value
        if key.startswith("phone shape "):
            stats[f"{key}, share"] = round(value / max(written, 1), 3)
    return stats


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the second corpus of labelled Russian lead exports."
    )
    parser.add_argument("--n", type=int, default=100_000, help="number of leads (rows)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for exports/, map.yaml, truth.csv"
    )
    parser.add_argument(
        "--xlsx", action="store_true", help="write Yandex as a workbook with a title block"
    )
    parser.add_argument("--stats", action="store_true", help="print what was planted")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = write_corpus(args.out, args.n, args.seed, yandex_xlsx=args.xlsx)
    print(
        f"wrote {corpus.leads.height:,} leads of {corpus.truth.get_column('entity_id').n_unique():,} companies "
        f"to {args.out} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    if args.stats:
        for key, value in corpus.stats.items():
            print(f"{key}: {value:,}" if isinstance(value, int) else f"{key}: {value}")
    return 0
