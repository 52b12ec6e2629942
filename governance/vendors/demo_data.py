"""Illustrative vendor profiles for the demo organisation.

Facts are from public sources as of 2025 (see each `description`); they are starting points
for an assessment, not verified findings. Every demo vendor is flagged `is_illustrative`.
"""

from typing import Any

DEMO_ORGANISATION = "Demo Bank (illustrative)"
DEMO_PASSWORD = "governance-demo"  # noqa: S105 - printed by `make run` on purpose
DEMO_USERS = [
    ("admin", "admin"),
    ("analyst", "assessor"),
    ("reviewer", "reviewer"),
    ("auditor", "viewer"),
]

VENDORS: list[dict[str, Any]] = [
    {
        "name": "Alibaba Cloud / Qwen",
        "legal_name": "Alibaba Cloud (Singapore) Private Limited",
        "website": "https://www.alibabacloud.com",
        "headquarters_country": "CN",
        "parent_company": "Alibaba Group Holding Limited",
        "parent_country": "CN",
        "ownership_type": "listed",
        "status": "prospect",
        "tags": ["llm", "open-weights", "ecosystem"],
        "description": (
            "Alibaba Group (Hangzhou; listed on NYSE and HKEX) publishes the Qwen model family. "
            "Qwen models have been open-sourced since 2023; most open-weight Qwen2.5/Qwen3 "
            "models are under Apache 2.0, some under the Qwen licence. Qwen models were reported "
            "above 600 million cumulative downloads, and the Qwen app passed 10 million downloads "
            "in the first week of its public beta (as of 2025-11). Deeply tied into Alibaba's "
            "commerce, maps and local-services ecosystem."
        ),
        "offerings": [
            {
                "name": "Qwen3-Max API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["CN", "SG"],
                "pricing_model": "usage_based",
                "description": "Hosted flagship model on Alibaba Cloud Model Studio.",
            },
            {
                "name": "Qwen3 open weights",
                "kind": "open_weights",
                "deployment": "self_hosted",
                "licence_type": "open_weights",
                "licence_name": "Apache-2.0",
                "processing_regions": [],
                "pricing_model": "open_licence",
                "description": "Self-hosted open-weight models; no data leaves our infrastructure.",
            },
            {
                "name": "Qwen app",
                "kind": "consumer_app",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["CN"],
                "pricing_model": "free",
                "description": "Free consumer assistant app.",
            },
        ],
    },
    {
        "name": "OpenAI",
        "legal_name": "OpenAI, L.L.C.",
        "website": "https://openai.com",
        "headquarters_country": "US",
        "parent_company": "OpenAI Group PBC",
        "parent_country": "US",
        "ownership_type": "private",
        "status": "active",
        "tags": ["llm", "api"],
        "description": (
            "San Francisco. ChatGPT (Free, Plus, Team, Enterprise) and the API. Business and "
            "API data are not used for training by default; data-residency options in several "
            "regions were introduced in 2025."
        ),
        "offerings": [
            {
                "name": "OpenAI API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["US", "EU"],
                "pricing_model": "usage_based",
                "description": "GPT models through the API.",
            },
            {
                "name": "ChatGPT Enterprise",
                "kind": "platform",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["US", "EU"],
                "pricing_model": "subscription",
                "description": "Enterprise assistant workspace.",
            },
        ],
    },
    {
        "name": "DeepSeek",
        "legal_name": (
            "Hangzhou DeepSeek Artificial Intelligence Basic Technology Research Co., Ltd."
        ),
        "website": "https://www.deepseek.com",
        "headquarters_country": "CN",
        "parent_company": "High-Flyer (Ningbo High-Flyer Quantitative Investment Management)",
        "parent_country": "CN",
        "ownership_type": "private",
        "status": "prospect",
        "tags": ["llm", "open-weights", "under-scrutiny"],
        "description": (
            "Hangzhou; backed by the High-Flyer fund. DeepSeek-R1 weights released under the MIT "
            "licence (2025-01). Its privacy policy states that data is stored in the People's "
            "Republic of China. Italy's data protection authority ordered the app blocked "
            "(2025-01-30); several US states, e.g. Texas, New York and Virginia, banned it on "
            "government devices in early 2025."
        ),
        "offerings": [
            {
                "name": "DeepSeek API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["CN"],
                "pricing_model": "usage_based",
                "description": "Hosted DeepSeek-V3/R1 models.",
            },
            {
                "name": "DeepSeek-R1 open weights",
                "kind": "open_weights",
                "deployment": "self_hosted",
                "licence_type": "open_weights",
                "licence_name": "MIT",
                "processing_regions": [],
                "pricing_model": "open_licence",
                "description": "Self-hosted reasoning model weights.",
            },
        ],
    },
    {
        "name": "Moonshot AI",
        "legal_name": "Beijing Moonshot Technology Co., Ltd.",
        "website": "https://www.moonshot.ai",
        "headquarters_country": "CN",
        "parent_company": "",
        "parent_country": "",
        "ownership_type": "private",
        "status": "prospect",
        "tags": ["llm", "open-weights"],
        "description": (
            "Beijing; Kimi assistant. Investors include Alibaba and Tencent. Kimi K2 weights "
            "released under a modified MIT licence (2025-07); paid tiers introduced in 2025."
        ),
        "offerings": [
            {
                "name": "Kimi API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["CN"],
                "pricing_model": "usage_based",
                "description": "Hosted Kimi models.",
            },
            {
                "name": "Kimi K2 open weights",
                "kind": "open_weights",
                "deployment": "self_hosted",
                "licence_type": "open_weights",
                "licence_name": "Modified MIT",
                "processing_regions": [],
                "pricing_model": "open_licence",
                "description": "Self-hosted mixture-of-experts model.",
            },
        ],
    },
    {
        "name": "Zhipu AI",
        "legal_name": "Beijing Zhipu Huazhang Technology Co., Ltd.",
        "website": "https://z.ai",
        "headquarters_country": "CN",
        "parent_company": "",
        "parent_country": "",
        "ownership_type": "private",
        "status": "prospect",
        "tags": ["llm", "entity-list"],
        "description": (
            "Beijing; international brand Z.ai; GLM models, some with open weights. Added with "
            "affiliates to the US BIS Entity List (2025-01). Paid tiers introduced in 2025."
        ),
        "offerings": [
            {
                "name": "GLM API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["CN"],
                "pricing_model": "subscription",
                "description": "Hosted GLM models.",
            },
        ],
    },
    {
        "name": "Mistral AI",
        "legal_name": "Mistral AI SAS",
        "website": "https://mistral.ai",
        "headquarters_country": "FR",
        "parent_company": "",
        "parent_country": "",
        "ownership_type": "private",
        "status": "active",
        "tags": ["llm", "eu-hosting", "open-weights"],
        "description": (
            "Paris. Some models with open weights under Apache 2.0, others commercial; hosting "
            "in the EU."
        ),
        "offerings": [
            {
                "name": "Mistral La Plateforme API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["EU"],
                "pricing_model": "usage_based",
                "description": "Hosted Mistral models, EU data processing.",
            },
            {
                "name": "Mistral open weights",
                "kind": "open_weights",
                "deployment": "self_hosted",
                "licence_type": "open_weights",
                "licence_name": "Apache-2.0",
                "processing_regions": [],
                "pricing_model": "open_licence",
                "description": "Self-hosted open-weight models.",
            },
        ],
    },
    {
        "name": "Anthropic",
        "legal_name": "Anthropic, PBC",
        "website": "https://www.anthropic.com",
        "headquarters_country": "US",
        "parent_company": "",
        "parent_country": "",
        "ownership_type": "private",
        "status": "active",
        "tags": ["llm", "api"],
        "description": (
            "San Francisco; public-benefit corporation. Claude models through the API and apps; "
            "API data not used for training by default (as of 2025)."
        ),
        "offerings": [
            {
                "name": "Claude API",
                "kind": "hosted_api",
                "deployment": "vendor_cloud",
                "licence_type": "proprietary",
                "processing_regions": ["US"],
                "pricing_model": "usage_based",
                "description": "Claude models through the API.",
            },
        ],
    },
    {
        "name": "Meta / Llama",
        "legal_name": "Meta Platforms, Inc.",
        "website": "https://www.llama.com",
        "headquarters_country": "US",
        "parent_company": "Meta Platforms, Inc.",
        "parent_country": "US",
        "ownership_type": "listed",
        "status": "active",
        "tags": ["open-weights"],
        "description": (
            "Menlo Park. Llama open weights under the Llama Community Licence, with an "
            "acceptable-use policy; a separate licence is required above 700 million monthly "
            "active users."
        ),
        "offerings": [
            {
                "name": "Llama open weights",
                "kind": "open_weights",
                "deployment": "self_hosted",
                "licence_type": "open_weights",
                "licence_name": "Llama Community Licence",
                "processing_regions": [],
                "pricing_model": "open_licence",
                "description": "Self-hosted Llama models.",
            },
        ],
    },
]

# Use cases of the demo bank: name, vendor, offering, facts.
USE_CASES: list[dict[str, Any]] = [
    {
        "vendor": "OpenAI",
        "offering": "ChatGPT Enterprise",
        "name": "Staff writing assistant",
        "purpose": "Drafting and summarising internal documents; no customer data.",
        "data_categories": ["internal"],
        "business_criticality": "low",
        "eu_ai_act_class": "minimal",
        "people_affected": "many",
        "exposure": "internal",
        "business_owner": "Head of Operations",
    },
    {
        "vendor": "Anthropic",
        "offering": "Claude API",
        "name": "Complaint triage",
        "purpose": "Classify and route customer complaints; personal data of customers.",
        "data_categories": ["personal", "confidential"],
        "business_criticality": "high",
        "eu_ai_act_class": "limited",
        "people_affected": "very_many",
        "exposure": "customer_facing",
        "business_owner": "Head of Customer Service",
    },
    {
        "vendor": "Alibaba Cloud / Qwen",
        "offering": "Qwen3 open weights",
        "name": "Self-hosted code assistant",
        "purpose": "Code completion for developers, on our own GPUs; source code is confidential.",
        "data_categories": ["confidential"],
        "business_criticality": "medium",
        "eu_ai_act_class": "minimal",
        "people_affected": "few",
        "exposure": "internal",
        "business_owner": "CTO",
    },
    {
        "vendor": "DeepSeek",
        "offering": "DeepSeek API",
        "name": "Credit memo summaries",
        "purpose": "Summarise credit memos for the credit committee.",
        "data_categories": ["personal", "confidential"],
        "business_criticality": "high",
        "eu_ai_act_class": "high",
        "people_affected": "many",
        "exposure": "internal",
        "business_owner": "Chief Risk Officer",
    },
    {
        "vendor": "Mistral AI",
        "offering": "Mistral La Plateforme API",
        "name": "Multilingual chatbot",
        "purpose": "Public website chatbot answering product questions in EU languages.",
        "data_categories": ["public", "personal"],
        "business_criticality": "medium",
        "eu_ai_act_class": "limited",
        "people_affected": "very_many",
        "exposure": "public",
        "business_owner": "Head of Digital",
    },
    {
        "vendor": "Zhipu AI",
        "offering": "GLM API",
        "name": "Market research translation",
        "purpose": "Translate public Chinese-language market research.",
        "data_categories": ["public"],
        "business_criticality": "low",
        "eu_ai_act_class": "minimal",
        "people_affected": "few",
        "exposure": "internal",
        "business_owner": "Head of Research",
    },
]
