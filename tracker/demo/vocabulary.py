"""The words demo data is made of: names, titles and texts of the kind a trafficking-research centre logs.

Kept apart from the generator so that the rules there stay readable and the wording can grow here.
"""

from __future__ import annotations

from tracker.models import ContactChannel, NeedCategory, RequestKind, RequestStatus

ADMIN_NAME = "Alex Morgan"
STAFF_NAMES = ("Amara Okafor", "Daniel Reyes", "Mei Chen", "Sofia Novak")
VIEWER_NAME = "Priya Raman"

#: Countries that often send anti-trafficking delegations: ISO 639-1 language, given names, family names.
PEOPLE = {
    "ALB": ("sq", "Arben Elira Besnik Mirela Ardit", "Hoxha Shehu Dervishi Kola Leka"),
    "BRA": ("pt", "Ana João Fernanda Rafael Luciana", "Silva Souza Oliveira Costa Pereira"),
    "GHA": ("en", "Kwame Akosua Kofi Abena Yaw", "Mensah Owusu Boateng Asante Osei"),
    "GTM": ("es", "Lucía Byron Carmen Estuardo Sofía", "Pérez Morales Castillo Ajú Xicay"),
    "IDN": ("id", "Siti Budi Dewi Agus Rina", "Santoso Wijaya Hidayat Lestari Saputra"),
    "IND": ("hi", "Priya Arjun Sunita Rahul Kavita", "Sharma Iyer Singh Das Menon"),
    "JOR": ("ar", "Rania Omar Lina Khaled Dana", "Haddad Nasser Khalil Qasem Saleh"),
    "KEN": ("sw", "Wanjiru Brian Achieng David Njeri", "Mwangi Odhiambo Kiptoo Wambui Mutua"),
    "KGZ": ("ru", "Aibek Azamat Bakyt Nurlan Ermek", "Asanov Sadykov Osmonov Usenov Mamatov"),
    "KHM": ("km", "Sokha Dara Channary Vuthy Sreymom", "Chan Sok Heng Meas Keo"),
    "MDA": ("ro", "Ion Elena Andrei Natalia Vasile", "Rusu Ceban Popa Lungu Munteanu"),
    "MEX": ("es", "Alejandro Guadalupe Carlos Mariana Luis", "Hernández López Martínez Ramírez Torres"),
    "NGA": ("en", "Chinedu Aisha Emeka Funmilayo Ibrahim", "Okafor Bello Adeyemi Nwosu Abubakar"),
    "NPL": ("ne", "Sita Ramesh Anjali Bikash Kamala", "Shrestha Gurung Thapa Adhikari Karki"),
    "PHL": ("tl", "Maria Jose Liza Ramon Cristina", "Santos Reyes Cruz Bautista Garcia"),
    "THA": ("th", "Somchai Nattaya Anan Kanya Prasert", "Srisuk Chaiyaporn Wongsa Boonmee Rattanakorn"),
    "UKR": ("uk", "Olena Andriy Iryna Taras Oksana", "Shevchenko Kovalenko Bondarenko Tkachenko Melnyk"),
    "VNM": ("vi", "Lan Minh Huong Tuan Thu", "Nguyen Tran Le Pham Hoang"),
}

#: A delegate's title, organisation and the word of their email domain.
POSITIONS = (
    ("Deputy Prosecutor General", "Office of the Prosecutor General", "prosecutor"),
    ("Head of the Anti-Trafficking Unit", "National Police", "police"),
    ("Senior Legal Adviser", "Ministry of Justice", "justice"),
    ("National Anti-Trafficking Coordinator", "Ministry of Interior", "interior"),
    ("Chief Labour Inspector", "Labour Inspectorate", "labour"),
    ("Judge", "Court of Appeal", "courts"),
    ("Director", "Shelter and Victim Support Centre", "shelter"),
    ("Programme Manager", "Anti-Trafficking NGO Coalition", "ngo"),
    ("Member of Parliament", "Parliamentary Committee on Human Rights", "parliament"),
)

VISIT_TITLES = (
    "Anti-trafficking legislation exchange",
    "Victim services study tour",
    "Prosecuting labour trafficking: a practitioners' exchange",
    "Supply-chain due diligence roundtable",
    "Online child exploitation and protection exchange",
    "Survivor-centred shelter models study tour",
    "Judicial training on trafficking cases",
    "Fair labour recruitment dialogue",
    "Trafficking data and research workshop",
    "Victim identification at borders exchange",
    "National referral mechanisms study tour",
    "Following the money: financial investigations exchange",
    "Forced labour in fisheries exchange",
    "Community prevention and awareness study tour",
    "Regional cooperation against trafficking in persons",
)
PARTNERS = (
    "Global Ties Chicago",
    "International Visitor Leadership Program",
    "WorldChicago",
    "U.S. Department of State, Office to Monitor and Combat Trafficking in Persons",
    "Meridian International Center",
    "World Learning",
)
LOCATIONS = ("Chicago, IL", "Chicago and Springfield, IL", "Washington, DC and Chicago, IL", "Evanston, IL", "Online")
VISIT_NOTES = (
    "Interpreters booked for every session.",
    "Site visits to a shelter and the county prosecutor's office.",
    "Closing roundtable with local NGOs and survivor leaders.",
    "Two sessions at the law school; one day with the police training academy.",
)

NEEDS = {
    NeedCategory.LEGISLATION: (
        "Review of the draft amendments to the anti-trafficking law before the parliamentary reading.",
        "Model provisions on the non-punishment of victims for crimes they were compelled to commit.",
    ),
    NeedCategory.PROSECUTION: (
        "Training for prosecutors on building cases that do not rest on victim testimony alone.",
        "Guidance on financial investigations and asset seizure in trafficking cases.",
    ),
    NeedCategory.PROTECTION: (
        "Standard procedures for identifying victims at border crossings and airports.",
        "Examples of shelter standards and long-term reintegration support.",
    ),
    NeedCategory.PREVENTION: (
        "Ways to regulate private recruitment agencies and ban recruitment fees.",
        "Awareness material about deceptive job offers online, for young people.",
    ),
    NeedCategory.PARTNERSHIP: (
        "Introductions to US organisations that help survivors find work.",
        "Contacts at federal agencies for joint investigations.",
    ),
    NeedCategory.DATA: (
        "Comparable statistics on prosecutions and convictions in the region.",
        "Methods for estimating how widespread forced labour is.",
    ),
    NeedCategory.OTHER: (
        "Advice on funding a national hotline.",
        "Translation of the centre's key training materials.",
    ),
}

REQUEST_TITLES = {
    RequestKind.DRAFT_LAW_REVIEW: (
        "Comments on the draft anti-trafficking law",
        "Review of the proposed victim-compensation article",
        "Opinion on the draft non-punishment clause",
    ),
    RequestKind.COMPARATIVE_ANALYSIS: (
        "National referral mechanisms in five countries compared",
        "Comparison of recruitment-fee bans",
        "How US states fund victim services",
    ),
    RequestKind.DATA: (
        "Prosecution and conviction figures for the region",
        "Survey instrument for estimating prevalence",
        "Template for hotline call data",
    ),
    RequestKind.TRAINING_MATERIAL: (
        "Trial-advocacy module for prosecutors",
        "Victim-identification slides for border guards",
        "Handbook on trauma-informed interviewing",
    ),
    RequestKind.INTRODUCTION: (
        "Introduction to the state attorney general's trafficking unit",
        "Introduction to a survivor-led organisation in Chicago",
        "Contact at the Department of Labor's Wage and Hour Division",
    ),
    RequestKind.BEST_PRACTICE: (
        "Best practice for shelter standards",
        "Good practice in supply-chain due diligence",
        "Practice note on interviewing child victims",
    ),
    RequestKind.OTHER: (
        "Reading list on labour trafficking",
        "Letter of support for a grant application",
        "Invitation to next year's symposium",
    ),
}

#: The stated needs a kind of request plausibly answers.
NEEDS_FOR_KIND = {
    RequestKind.DRAFT_LAW_REVIEW: {NeedCategory.LEGISLATION},
    RequestKind.COMPARATIVE_ANALYSIS: {NeedCategory.LEGISLATION, NeedCategory.PREVENTION, NeedCategory.DATA},
    RequestKind.DATA: {NeedCategory.DATA},
    RequestKind.TRAINING_MATERIAL: {NeedCategory.PROSECUTION, NeedCategory.PROTECTION, NeedCategory.PREVENTION},
    RequestKind.INTRODUCTION: {NeedCategory.PARTNERSHIP, NeedCategory.PROSECUTION, NeedCategory.PROTECTION},
    RequestKind.BEST_PRACTICE: {NeedCategory.LEGISLATION, NeedCategory.PROTECTION, NeedCategory.PROSECUTION},
    RequestKind.OTHER: {NeedCategory.OTHER, NeedCategory.PARTNERSHIP},
}

_S = RequestStatus
#: The steps from "new" to each status, along the flow of ``tracker.info_requests.workflow``.
STATUS_PATHS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    _S.NEW: (),
    _S.IN_PROGRESS: (_S.IN_PROGRESS,),
    _S.WAITING: (_S.IN_PROGRESS, _S.WAITING),
    _S.DELIVERED: (_S.IN_PROGRESS, _S.DELIVERED),
    _S.CLOSED: (_S.IN_PROGRESS, _S.DELIVERED, _S.CLOSED),
    _S.DECLINED: (_S.DECLINED,),
    _S.WITHDRAWN: (_S.IN_PROGRESS, _S.WITHDRAWN),
}
#: How often each status comes up, in the order new, in progress, waiting, delivered, closed, declined,
#: withdrawn: requests due in the past are mostly delivered by now, those due long ago nearly all.
PAST_DUE_WEIGHTS = dict(zip(_S, (1, 2, 1, 4, 4, 1, 1), strict=True))
LONG_PAST_DUE_WEIGHTS = dict(zip(_S, (0.1, 0.4, 0.1, 4, 5, 1, 1), strict=True))
FUTURE_DUE_WEIGHTS = dict(zip(_S, (4, 4, 2, 2, 1, 1, 1), strict=True))
CLOSED_WEIGHTS = {_S.DELIVERED: 3, _S.CLOSED: 6, _S.DECLINED: 1, _S.WITHDRAWN: 1}
REASONS = {
    _S.DECLINED: (
        "Outside the centre's expertise; referred to the UNODC regional office.",
        "More than the centre can take on this year; referred to a partner organisation.",
    ),
    _S.WITHDRAWN: (
        "The ministry commissioned the analysis elsewhere.",
        "No longer needed: the law was adopted before we could comment.",
    ),
}

COMMENTS = (
    "Sent a first outline to the delegation lead for comments.",
    "Waiting for the English translation of the draft.",
    "Asked a colleague at the law school to review the sections on sentencing.",
    "The delegation confirmed the deadline still works for them.",
    "Gathered the sources; writing up this week.",
)
CONTACT_NOTES = {
    ContactChannel.EMAIL: (
        "Emailed the materials promised at the visit and asked how they are being used.",
        "Follow-up email; they thanked us and had no new requests.",
    ),
    ContactChannel.CALL: (
        "Call with the delegation lead: the draft law is now before committee.",
        "Phoned the ministry contact to check on the training roll-out.",
    ),
    ContactChannel.MEETING: (
        "Video meeting with the delegation and their ministry colleagues.",
        "Met the delegation lead at a regional conference.",
    ),
    ContactChannel.NOTE: (
        "Heard through the partner that the delegation presented the visit's findings at home.",
        "Delegation lead changed jobs; new contact details recorded.",
    ),
}
