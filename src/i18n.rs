//! The one message catalogue: every string the UI shows, in English and Traditional Chinese
//! (zh-TW, as the LuckyGas ops team writes it).
//!
//! Each entry of `catalogue!` names a key with both texts side by side, so a key cannot exist in
//! one language only: the macro would not accept it, and both `match`es are exhaustive.
//! Messages with arguments use positional placeholders `{0}`, `{1}`, … so that a translation
//! can put them in its own order; [`tf`] fills them in.

use std::fmt::Display;

use chrono::{Datelike, Weekday};

/// The language of the whole UI (and of reports, whose JSON names it `en` / `zh-TW`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    /// Traditional Chinese as written in Taiwan.
    #[serde(rename = "zh-TW")]
    ZhTw,
}

impl Lang {
    /// `en`, `zh-TW`, `zh_TW.UTF-8`, `zh-Hant`…; `None` for anything else.
    pub fn parse(text: &str) -> Option<Lang> {
        // A locale is `lang_REGION.codeset@modifier`: only the part before the codeset counts.
        let base = text.split(['.', '@']).next().unwrap_or("").trim();
        let lower = base.to_ascii_lowercase().replace('_', "-");
        match lower.as_str() {
            "en" | "c" | "posix" => Some(Lang::En),
            _ if lower.starts_with("en-") => Some(Lang::En),
            "zh-tw" | "zh-hant" | "zh-hant-tw" => Some(Lang::ZhTw),
            _ => None,
        }
    }

    /// The language the environment asks for: `LC_ALL` wins over `LANG`, as in POSIX. Only
    /// a Taiwanese locale selects Chinese; anything else (unset, `C.UTF-8`, `de_DE`) is
    /// English. Pure, so that tests can pass values instead of changing the environment.
    pub fn from_env(lc_all: Option<&str>, lang: Option<&str>) -> Lang {
        // An empty LC_ALL is the same as an unset one (POSIX).
        let chosen = lc_all.filter(|v| !v.is_empty()).or(lang);
        match chosen.and_then(Lang::parse) {
            Some(Lang::ZhTw) => Lang::ZhTw,
            _ => Lang::En,
        }
    }

    /// `en` or `zh-TW`, for `<html lang>` and the report's JSON.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// `--lang` wins over the environment.
    pub fn resolve(flag: Option<Lang>, lc_all: Option<&str>, lang: Option<&str>) -> Lang {
        flag.unwrap_or_else(|| Lang::from_env(lc_all, lang))
    }
}

/// The text of a key in a language.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::En => msg.en(),
        Lang::ZhTw => msg.zh(),
    }
}

/// A message with its `{0}`, `{1}`, … filled in from `args`.
pub fn tf(lang: Lang, msg: Msg, args: &[&dyn Display]) -> String {
    fill(t(lang, msg), args)
}

fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let index = after
            .find('}')
            .and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close)));
        match index {
            Some((i, close)) => {
                if let Some(arg) = args.get(i) {
                    out.push_str(&arg.to_string());
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// "Tue" / "週二".
pub fn weekday(lang: Lang, day: Weekday) -> String {
    match lang {
        Lang::En => format!("{day}"),
        Lang::ZhTw => {
            let name = ["一", "二", "三", "四", "五", "六", "日"];
            format!("週{}", name[day.num_days_from_monday() as usize])
        }
    }
}

/// "Tue 2026-12-01" / "週二 2026-12-01".
pub fn date_long(lang: Lang, date: impl Datelike) -> String {
    format!(
        "{} {:04}-{:02}-{:02}",
        weekday(lang, date.weekday()),
        date.year(),
        date.month(),
        date.day()
    )
}

/// "Tue 12-01" / "週二 12-01".
pub fn date_short(lang: Lang, date: impl Datelike) -> String {
    format!(
        "{} {:02}-{:02}",
        weekday(lang, date.weekday()),
        date.month(),
        date.day()
    )
}

/// The city of an IANA zone as the header shows it: "Taipei" / "台北".
pub fn city(lang: Lang, zone: &str) -> String {
    let city = zone.rsplit('/').next().unwrap_or(zone).replace('_', " ");
    match (lang, city.as_str()) {
        (Lang::ZhTw, "Taipei") => "台北".to_string(),
        _ => city,
    }
}

/// "4 s", "2 min", "1 h 05 min" / "4 秒", "2 分", "1 小時 05 分".
/// An age to the minute, for things measured against hours (tickets and their 2 h target):
/// seconds there would only repaint the rows on every poll.
pub fn age_minutes(lang: Lang, d: chrono::Duration) -> String {
    if d.num_seconds() < 60 {
        t(lang, Msg::AgeUnderMinute).to_string()
    } else {
        age(lang, chrono::Duration::minutes(d.num_minutes()))
    }
}

pub fn age(lang: Lang, d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    if s < 60 {
        tf(lang, Msg::AgeSeconds, &[&s])
    } else if s < 3600 {
        tf(lang, Msg::AgeMinutes, &[&(s / 60)])
    } else {
        tf(
            lang,
            Msg::AgeHours,
            &[&(s / 3600), &format!("{:02}", s % 3600 / 60)],
        )
    }
}

/// Why the database cannot be written, in the header's words ("disk full", "DB unreachable").
pub fn outage(lang: Lang, cause: &crate::store::Outage) -> String {
    use crate::store::Outage;
    let words = match cause {
        Outage::Unreachable => t(lang, Msg::DbUnreachable).to_string(),
        Outage::Refused(why) => tf(lang, Msg::OutageRefused, &[why]),
        Outage::DiskFull => t(lang, Msg::OutageDiskFull).to_string(),
        Outage::ReadOnly => t(lang, Msg::OutageReadOnly).to_string(),
        Outage::Io => t(lang, Msg::OutageIo).to_string(),
        Outage::Locked => t(lang, Msg::OutageLocked).to_string(),
    };
    // The header entries end in a space before the running time; a message does not.
    words.trim_end().to_string()
}

/// A layout's period label ("Week 1", "Week 2-3", "Day 1-2") in the language: the layout
/// writes these in English only, and they follow one pattern. Anything else is shown as is.
pub fn period(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let Some((unit, range)) = text.trim().split_once(' ') else {
        return text.to_string();
    };
    let is_range = range
        .split('-')
        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let zh_unit = match unit {
        "Week" => "週",
        "Day" => "天",
        _ => return text.to_string(),
    };
    if !is_range {
        return text.to_string();
    }
    format!("第 {} {zh_unit}", range.replace('-', "–"))
}

/// zh strings that may equal the English one: technical terms, key names, numbers.
pub const SAME_IN_BOTH: &[Msg] = &[
    Msg::EvidenceLevel,
    Msg::LabelP95,
    Msg::StripP95,
    Msg::StripP95None,
    Msg::AgeMs,
    Msg::Here,
    Msg::HelpPosition,
];

macro_rules! catalogue {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A key of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            /// Every key, for the completeness tests.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn en(self) -> &'static str {
                match self { $(Msg::$key => $en,)* }
            }

            pub fn zh(self) -> &'static str {
                match self { $(Msg::$key => $zh,)* }
            }
        }
    };
}

catalogue! {
    // Views: tabs and pane titles.
    ViewLaunchDay => "Launch day", "上線日";
    ViewPrelaunch => "Pre-launch", "上線前準備";
    ViewCriteria => "Success criteria", "成功指標";
    ViewExpansion => "Expansion & sign-off", "擴大試營運與簽核";
    ViewContacts => "Contacts", "緊急聯絡人";
    ViewTimeline => "Pilot timeline", "試營運時程";
    ViewAudit => "Audit log", "稽核紀錄";
    ViewLive => "Live panels", "即時面板";
    ShortLaunchDay => "Day", "上線日";
    ShortPrelaunch => "Pre", "準備";
    ShortCriteria => "Criteria", "指標";
    ShortExpansion => "Expand", "擴大";
    ShortContacts => "Contacts", "聯絡人";
    ShortTimeline => "Timeline", "時程";
    ShortAudit => "Audit", "稽核";
    ShortLive => "Live", "即時";

    // Header.
    PhaseStartsIn => "{0} starts in ", "距「{0}」開始 ";
    PhaseEndsIn => "{0} {1} · ends in ", "{0} {1} · 剩餘 ";
    PhaseBreak => "Break · {0} in ", "休息中 · 距「{0}」 ";
    PhaseOver => "Launch day over · {0}/{1} done or skipped", "上線日已結束 · 已完成或略過 {0}/{1}";
    HereCount => "{0} others here", "另有 {0} 人在線";
    Here => "here: {0}", "在線：{0}";
    DbUnreachable => "DB unreachable ", "資料庫無法連線 ";
    OutageRefused => "PostgreSQL refused: {0} ", "PostgreSQL 拒絕連線：{0} ";
    OutageDiskFull => "disk full ", "磁碟已滿 ";
    OutageReadOnly => "database read-only ", "資料庫唯讀 ";
    OutageIo => "disk I/O error ", "磁碟讀寫錯誤 ";
    OutageLocked => "database locked ", "資料庫被鎖定 ";
    OneUnsaved => " · 1 change not yet saved", " · 1 筆變更未儲存";
    ManyUnsaved => " · {0} changes not yet saved", " · {0} 筆變更未儲存";
    SavingEllipsis => "Saving…", "儲存中…";

    // Status bar: prompts, confirmation and key hints.
    PromptSkip => "Skip “{0}” as not applicable. Why? A reason is required.", "將「{0}」略過（不適用）。原因？必須填寫。";
    PromptNote => "Note on “{0}”:", "「{0}」的備註：";
    PromptSearch => "Search: ", "搜尋：";
    PromptAck => "Acknowledge “{0}”: who is on it, or why? Required.", "確認（ack）「{0}」：誰在處理，或原因？必須填寫。";
    ConfirmTick => "The evidence for “{0}” is failing: {1}. Tick it anyway?", "「{0}」的即時佐證未通過：{1}。仍要勾選嗎？";
    HintTick => "tick", "勾選";
    HintSkip => "skip", "略過";
    HintNote => "note", "備註";
    HintUndo => "undo", "復原";
    HintSearch => "search", "搜尋";
    HintDetail => "detail", "詳細";
    HintHelp => "help", "說明";
    HintQuit => "quit", "離開";
    HintScroll => "scroll", "捲動";
    HintNextView => "next view", "下一頁";
    HintViews => "views", "切換畫面";

    // The wall display (`warroom wall`): read-only, made to be read across the room.
    WallReadOnly => "read-only: this is a wall display", "唯讀：這是牆面顯示畫面";
    WallBadge => " WALL · read-only ", " 牆面 · 唯讀 ";
    WallNoDatabase => "No database at {0} (not made yet, or moved away): looking again every second", "{0} 沒有資料庫（尚未建立或已被移走）：每秒重新檢查";
    WallDbDown => "Database unreachable since {0} ({1}): what is shown is as of then", "資料庫自 {0} 起無法連線（{1}）：畫面為當時的狀態";
    WallBlock => "Current block", "目前時段";
    WallNoBlock => "No block running", "目前沒有進行中的時段";
    WallDone => "{0} of {1} done or skipped", "已完成或略過 {0}／{1}";
    WallOverdue => "{0} overdue", "{0} 項逾期";
    WallAlerts => "Open alerts ({0})", "未處理告警（{0}）";
    WallNoAlerts => "No open alerts", "沒有未處理告警";
    WallNobodyOnIt => "nobody on it yet", "尚無人處理";
    WallBoardHint => "board", "總覽";
    WallCycling => "next view in {0}", "{0} 後切換畫面";
    WallHelpTitle => " Wall display keys · any key closes ", " 牆面顯示按鍵 · 按任意鍵關閉 ";
    WallHelpReadOnly => "This is a read-only wall display: ticks, skips, notes and acknowledgements are made in warroom, not here.", "這是唯讀的牆面顯示畫面：勾選、略過、備註與確認告警請在 warroom 操作。";
    WallKeyBoard => "the board: countdown, current block, open alerts, live panels", "總覽：倒數、目前時段、未處理告警、即時面板";
    WallKeyViews => "the other views, read-only", "其他畫面（唯讀）";

    // Help.
    HelpTitle => " Keys · ↑↓ scroll · any other key closes ", " 按鍵說明 · ↑↓ 捲動 · 按其他鍵關閉 ";
    HelpOperator => "operator", "操作人員";
    HelpLayout => "layout", "清單檔";
    HelpDatabase => "database", "資料庫";
    HelpLog => "log", "日誌";
    HelpSaved => "Every change is on disk before it is shown.", "每項變更都先寫入磁碟才會顯示。";
    KeyMove => "move between items", "在項目間移動";
    KeyPage => "move a page", "翻頁";
    KeyFirstLast => "first / last item", "第一項／最後一項";
    KeyToggle => "tick / untick the item", "勾選／取消勾選項目";
    KeySkip => "skip as not applicable (asks a reason); s again reopens", "略過（不適用，需填原因）；再按 s 重新開啟";
    KeyNote => "add a note to the item", "為項目加上備註";
    KeyUndo => "undo your own last change", "復原自己最近一次的變更";
    KeyReport => "write the day's report (Markdown and HTML) next to the database", "產生今日報告（Markdown 與 HTML），存在資料庫旁";
    KeyAck => "acknowledge an open alert: who is on it (↑↓ choose which)", "確認（ack）未處理告警：填寫誰在處理（↑↓ 選擇告警）";
    KeyPanel => "live panels: next panel (full screen on small terminals)", "即時面板：下一個面板（小螢幕時全螢幕顯示）";
    KeyDetail => "item detail: who, when, notes, history", "項目詳細：誰、何時、備註、歷程";
    KeySearch => "search items (English or Chinese); Esc clears", "搜尋項目（中文或英文）；Esc 清除";
    KeyViews => "next / previous view", "下一個／上一個畫面";
    KeyGoto => "go to a view (numbered in the tabs at the top)", "切換到指定畫面（對應上方分頁編號）";
    KeyHelp => "this help", "本說明";
    KeyQuit => "quit (everything is already saved)", "離開（所有變更皆已儲存）";

    // Checklist.
    ListTitle => " {0} ", " {0} ";
    ListTitleSearch => " {0} · search “{1}” (Esc clears) ", " {0} · 搜尋「{1}」（Esc 清除） ";
    ListEmpty => "Nothing in this view.", "此畫面沒有項目。";
    ListNoMatch => "No item matches “{0}”. Esc clears the search.", "沒有符合「{0}」的項目。按 Esc 清除搜尋。";
    AsideSaving => "saving…", "儲存中…";
    AsideUnsaved => "not yet saved", "未儲存";
    AsideSkipped => "skipped", "已略過";
    AsideOverdue => "overdue", "逾期";
    LiveEvidence => "live {0} ", "即時 {0} ";
    LiveEvidenceNoData => "no data ", "無資料 ";

    // Timeline.
    TimelineTitle => " Timeline ", " 時間軸 ";
    TimelineDay => "Day", "全日";
    TimelineBreak => "{0}{1}–{2} break", "{0}{1}–{2} 休息";
    TimelineNow => " now · until {0}", " 進行中 · 至 {0}";
    TimelineOverdue => " {0} {1} overdue", " {0} {1} 項逾期";
    TimelineComplete => " {0} complete", " {0} 完成";
    TimelineNotStarted => "Launch not started yet", "上線尚未開始";
    TimelineOver => "Launch day over", "上線日已結束";
    StripDay => " Day {0}/{1} done or skipped", " 全日 已完成或略過 {0}/{1}";
    StripOverdue => " · {0} {1} overdue", " · {0} {1} 項逾期";

    // Item detail.
    DetailTitlePopup => " Item · Esc closes ", " 項目 · Esc 關閉 ";
    DetailTitle => " Item ", " 項目 ";
    DetailNone => "No item selected.", "未選取項目。";
    DetailUnknown => "Unknown item {0}", "未知的項目 {0}";
    DetailEvidence => "Evidence ", "即時佐證 ";
    DetailDone => "{0} Done", "{0} 已完成";
    DetailSkipped => "{0} Skipped: {1}", "{0} 已略過：{1}";
    DetailOverdue => "{0} Overdue: its block has ended", "{0} 逾期：所屬時段已結束";
    DetailOpen => "Open", "未完成";
    DetailStatus => "Status", "狀態";
    DetailBy => "By", "處理人";
    DetailWhen => "When", "時間";
    DetailSaving => "saving…", "儲存中…";
    DetailUnsaved => "not yet saved (database unreachable)", "未儲存（資料庫無法連線）";
    DetailLocal => "{0} local", "{0}（本地時間）";
    DetailNotes => "Notes ({0})", "備註（{0}）";
    DetailNoNotes => "  none · n adds one", "  無 · 按 n 新增";
    DetailHistory => "History", "歷程";
    DetailNothingYet => "  nothing yet", "  尚無紀錄";
    HistTicked => "ticked", "已勾選";
    HistReopened => "reopened", "重新開啟";
    HistSkipped => "skipped: {0}", "略過：{0}";
    HistNoted => "noted: {0}", "備註：{0}";
    HistUndid => "undid their last change", "復原了上一次變更";
    HistUndone => " (undone)", "（已復原）";
    PlaceExpansion => "Expansion criteria", "擴大試營運條件";
    PlaceSignoff => "Sign-off", "簽核";

    // Side column, criteria, contacts, pilot timeline, audit.
    ProgressTitle => " Progress ", " 進度 ";
    ProgressAll => "All", "全部";
    ProgressSignoffs => "Sign-offs", "簽核";
    CriteriaMeasure => "Measure", "指標";
    CriteriaRequired => "required", "必須達成";
    CriteriaFootnote => "Targets from the pilot plan. The layout names no pilot start ([pilot] start), so the weeks cannot be measured against them.", "目標取自試營運計畫。版面沒有試營運開始日期（[pilot] start），因此無法依週量測。";
    CriteriaTitle => " Success criteria · targets per week ", " 成功指標 · 每週目標 ";
    ContactsTitle => " Emergency contacts ", " 緊急聯絡人 ";
    PilotTitle => " Pilot timeline ", " 試營運時程 ";
    PilotOverview => "Overview", "概述";
    PilotPhase => "{0}: ", "{0}：";
    PilotVersion => "Document version {0}", "文件版本 {0}";
    PilotUpdated => "last updated {0}", "最後更新 {0}";
    PilotReview => "next review: {0}", "下次檢討：{0}";
    AuditEmpty => "No changes yet today. Ticks, skips, notes and undos appear here as they are saved.", "今天尚無變更。勾選、略過、備註與復原儲存後會出現在這裡。";
    AuditUndoneLater => "* undone later", "* 之後已復原";
    AuditTitle => " Audit log · {0} · {1} changes ", " 稽核紀錄 · {0} · {1} 筆變更 ";
    AuditTitleOne => " Audit log · {0} · 1 change ", " 稽核紀錄 · {0} · 1 筆變更 ";
    VerbTick => "tick", "勾選";
    VerbReopen => "reopen", "重開";
    VerbSkip => "skip", "略過";
    VerbNote => "note", "備註";
    VerbUndo => "undo", "復原";
    VerbEvidence => "evidence", "佐證";
    VerbAlert => "alert", "告警";
    VerbAck => "ack", "確認";
    VerbCleared => "cleared", "解除";
    VerbEscalated => "escalated", "升級";
    VerbEased => "eased", "降級";
    AlertStep => "{0} → {1}: {2}", "{0} → {1}：{2}";
    ClearedAfter => "ok for {0} polls in a row", "連續 {0} 次正常";
    FailureGot => "{0}: got {1}", "{0}：實測 {1}";
    EvidenceLevel => "{0} — {1}", "{0} — {1}";

    // Live panels.
    SeverityOk => "ok", "正常";
    SeverityWarn => "warn", "警告";
    SeverityCritical => "critical", "嚴重";
    NoData => "no data", "無資料";
    HealthDegraded => "degraded", "效能下降";
    HealthWaiting => "waiting", "等待中";
    AgeSeconds => "{0} s", "{0} 秒";
    AgeUnderMinute => "<1 min", "不到 1 分";
    AgeMinutes => "{0} min", "{0} 分";
    AgeHours => "{0} h {1} min", "{0} 小時 {1} 分";
    AgeMs => "{0} ms", "{0} ms";
    FreshOpen => "{0} open", "{0} 則未處理";
    FreshNotConfigured => "not configured", "未設定";
    FreshWaiting => "waiting for first answer", "等待首次回應";
    FreshLastSuccess => "last success {0} ago", "上次成功：{0}前";
    FreshNoSuccess => "no success yet", "尚未成功";
    FreshOk => "ok {0} ago", "正常 · {0}前";
    FreshStale => "stale {0} ago", "資料過時 · {0}前";
    NoBackendSource => "no backend configured: set {0} (or run `warroom demo`)", "未設定後端：請設定 {0}（或執行 `warroom demo`）";
    WaitingFirst => "waiting for the first answer…", "等待首次回應…";
    NoPanels => "This layout declares no [[panel]]s. See layouts/luckygas-pilot.toml for health, error rate, latency, deliveries, tickets, criteria and alerts panels.", "此清單檔沒有宣告任何 [[panel]]。健康狀態、錯誤率、回應時間、配送、客服工單、成功指標與告警面板的寫法，請參考 layouts/luckygas-pilot.toml。";
    PanelNext => " p next: ", " p 下一個：";
    NoBackendPanel => "No backend configured: set {0} (e.g. export {1}=https://api.example.tw) or run `warroom demo`.", "未設定後端：請設定 {0}（例如 export {1}=https://api.example.tw），或執行 `warroom demo`。";
    StripNoBackend => " Live panels: no backend configured — set {0} or run `warroom demo`", " 即時面板：未設定後端 — 請設定 {0} 或執行 `warroom demo`";
    StripBackendUrl => "the backend URL", "後端網址";
    StripErr => "err {0}", "錯誤率 {0}";
    StripErrNone => "err –", "錯誤率 –";
    StripP95 => "p95 {0}ms", "p95 {0}ms";
    StripP95None => "p95 –", "p95 –";
    StripDeliv => "deliv {0}/{1}", "配送 {0}/{1}";
    StripDelivNone => "deliv –", "配送 –";
    StripTix => "tix {0}", "工單 {0}";
    StripTixNone => "tix –", "工單 –";
    StripTargets => "targets", "指標";
    StripPanels => "  8/p: panels", "  8/p：面板";
    HealthSince => "since {0}", "自 {0} 起";
    HealthMoreAllOk => "+{0} more, all ok", "另 {0} 項，皆正常";
    HealthMore => "+{0} more: {1} ok, {2} not ok", "另 {0} 項：{1} 項正常，{2} 項異常或無資料";
    AlertAck => "ack {0}: {1}", "已確認（{0}）：{1}";
    AlertPressA => "press a to acknowledge", "按 a 確認（ack）";
    AlertCall => "  call {0}", "  請聯絡 {0}";
    AlertNone => "{0} no open alerts", "{0} 無未處理告警";
    DelivOk => "completion {0} % ≥ {1} % {2}", "完成率 {0} % ≥ {1} % {2}";
    DelivBad => "completion {0} % < {1} % {2}", "完成率 {0} % < {1} % {2}";
    DelivNone => "completion – (nothing finished yet)", "完成率 –（尚無完成的配送）";
    DelivCounts => "{0} delivered · {1} in progress · {2} failed · {3} today", "已送達 {0} · 配送中 {1} · 失敗 {2} · 今日共 {3}";
    ErrWarnUnless => "warn unless {0}", "未達 {0} 即警告";
    ErrCriticalUnless => "critical unless {0}", "未達 {0} 即嚴重";
    LabelP95 => "p95 ", "p95 ";
    LabelAvg => "avg ", "平均 ";
    LatencyMissing => "no {0} in the answer", "回應中沒有 {0}";
    ScoreNoWeek => "no week {0} targets in the layout", "清單檔中沒有第 {0} 週的目標";
    ScoreNotLive => "not live", "無即時值";
    ScoreStale => "stale", "過時";
    TicketsOpen => "{0} open", "{0} 筆未結案";
    TicketsOldest => " · oldest {0}", " · 最久 {0}";
    TicketsPast => " · {0} past {1} h", " · {0} 筆超過 {1} 小時";
    TicketsNoBody => "the answer had no JSON body", "回應沒有 JSON 內容";
    EvidenceNotDeclared => "{0}: not declared", "{0}：未宣告";
    EvidenceNotConfigured => "{0}: not configured (set {1})", "{0}：未設定（請設定 {1}）";
    EvidenceNoAnswer => "{0}: no answer yet", "{0}：尚無回應";
    EvidenceAllOk => "all {0} sources ok", "{0} 個來源皆正常";
    EvidenceNoCritical => "no critical alert open", "沒有未處理的嚴重告警";
    EvidenceCritical => "critical: {0}", "嚴重：{0}";
    EvidenceStale => "{0}: no answer for {1}", "{0}：已 {1} 沒有回應";
    EvidenceNoSources => "no live sources in the layout", "清單檔中沒有即時來源";
    EvidenceNoCriticalNoData => "cannot tell: no data from {0}", "無法判斷：{0} 沒有資料";
    FreshState => "{0} · {1} ago", "{0} · {1}前";
    FreshStaleFor => "no data · last answer {0} ago", "無資料 · 上次回應：{0}前";
    FreshFailing => "{0} · last success {1} ago", "{0} · 上次成功：{1}前";
    FreshFailingNever => "{0} · no success yet", "{0} · 尚未成功";
    PanelInvalid => "invalid: {0}", "無效：{0}";
    TicketsMalformed => " · {0} rows unreadable", " · {0} 筆無法讀取";
    LatencyNoData => "no data (no traffic yet)", "無資料（尚無流量）";

    // Status-bar messages.
    FlashStillSaving => "Still saving the last change to this item…", "這個項目的上一筆變更還在儲存中…";
    FlashReportWritten => "Report written: {0}", "報告已產生：{0}";
    FlashReportWriting => "Writing the day's report…", "正在產生今日報告…";
    FlashNothingToUndo => "Nothing of {0}'s left to undo today", "今天沒有 {0} 可復原的變更";
    FlashNoMatch => "No item matches “{0}”", "沒有符合「{0}」的項目";
    FlashSkipNeedsReason => "Not skipped: a skip needs a reason", "未略過：略過必須填寫原因";
    FlashAckNeedsReason => "Not acknowledged: say who is on it or why", "未確認：請填寫誰在處理或原因";
    FlashSaved => "Saved: {0}", "已儲存：{0}";
    FlashNotSaved => "NOT SAVED ({0}): {1}", "未儲存（{0}）：{1}";
    FlashReadFailed => "Cannot read the log: {0}", "無法讀取紀錄：{0}";
    FlashKept => "Kept on this machine, not yet saved: {0}", "已暫存在本機，尚未儲存：{0}";
    FlashOutage => "{0}: changes are kept on this machine", "{0}：變更先暫存在本機";
    FlashJoined => "Database reachable: the day so far is loaded", "資料庫已連線：已載入今日紀錄";
    FlashUnreadable => "{0} unreadable rows in the log skipped ({1}); see the audit log", "紀錄中有 {0} 筆無法讀取，已略過（{1}）；詳見稽核紀錄";
    AuditUnreadable => "skipped: {0}", "已略過：{0}";
    FlashReconnected => "Database reachable again", "資料庫已恢復連線";
    FlashReconnectedSaved => "Database reachable again: {0} kept changes saved", "資料庫已恢復連線：已儲存 {0} 筆暫存變更";
    FlashFrom => "{0}: {1}", "{0}：{1}";
    StoreBehind => "the store is falling behind", "資料庫寫入跟不上";
    StoreStopped => "the store has stopped", "資料庫寫入已停止";
    TooSmall => "warroom: terminal too small", "warroom：終端機視窗太小";
    FlashStillCritical => "Still critical: {0} — {1} (press a to acknowledge)", "仍然嚴重：{0} — {1}（按 a 確認）";
    SumTicked => "ticked “{0}”", "勾選了「{0}」";
    SumReopened => "reopened “{0}”", "重新開啟「{0}」";
    SumSkipped => "skipped “{0}” ({1})", "略過了「{0}」（{1}）";
    SumNote => "note on “{0}”", "在「{0}」加上備註";
    SumUndid => "undid a change to “{0}”", "復原了「{0}」的一筆變更";
    SumAlert => "{0} {1}: {2}", "{0} {1}：{2}";
    SumOther => "{0} “{1}”", "{0}「{1}」";

    // The end-of-day report (`warroom report`, `R`).
    RptTitle => "End-of-day report", "當日結束報告";
    RptDate => "Date", "日期";
    RptTimezone => "Time zone", "時區";
    RptGenerated => "As of", "截至";
    RptHeadlineItems => "{0} of {1} items done", "{1} 項中 {0} 項完成";
    RptAlertsWord => "alerts", "則告警";
    RptAlertWord => "alert", "則告警";
    RptUptime => "uptime", "可用率";
    RptCompletion => "completion", "完成率";
    RptOnTarget => "on target", "達標";
    RptOffTarget => "off target", "未達標";
    RptTargetsNotMeasured => "targets not measured", "目標未量測";
    RptNothingRecorded => "Nothing was recorded on this day: no checklist changes, no alerts and no live samples.", "本日沒有任何紀錄：沒有檢查項目變更、沒有告警，也沒有即時數據。";
    RptInProgress => "The day is still in progress: as of {0}", "本日尚未結束：截至 {0}";
    RptBlocksToCome => "blocks still to come", "尚未進行的時段";
    RptNotStarted => "The launch day has not started yet (first block at {0}).", "上線當天尚未開始（第一個時段 {0} 開始）。";
    RptDayOver => "The launch day is over.", "上線當天已結束。";
    RptLaunchDay => "Launch day", "上線當天";
    RptDone => "done", "完成";
    RptSkipped => "skipped", "略過";
    RptOpen => "left open", "未完成";
    RptBy => "by", "由";
    RptReason => "reason", "原因";
    RptAlerts => "Alerts", "告警";
    RptNoAlerts => "No alerts were raised.", "本日沒有告警。";
    RptSource => "Source", "來源";
    RptSeverity => "Severity", "嚴重度";
    RptRaised => "Raised", "發出";
    RptAcknowledged => "Acknowledged", "確認";
    RptCleared => "Cleared", "解除";
    RptStillOpen => "still open", "仍未解除";
    RptDuration => "Duration", "持續";
    RptNote => "Note", "備註";
    RptDetail => "Detail", "詳情";
    RptMinutes => "min", "分鐘";
    RptMeasures => "Measured today", "本日量測";
    RptMeasure => "Measure", "量測項目";
    RptValue => "Value", "數值";
    RptHow => "How", "計算方式";
    RptNotMeasured => "not measured", "未量測";
    RptCriteria => "Success criteria", "成功指標";
    RptTarget => "Target", "目標";
    RptMeasured => "Measured", "實測";
    RptVerdict => "Result", "結果";
    RptPass => "pass", "通過";
    RptFail => "fail", "未通過";
    RptNotes => "Notes", "備註";
    RptNoNotes => "No notes.", "沒有備註。";
    RptItem => "Item", "項目";
    RptSignoffs => "Sign-offs", "簽核";
    RptSigned => "signed", "已簽核";
    RptNotSigned => "not signed", "未簽核";
    RptPrelaunch => "Pre-launch readiness", "上線前準備";
    RptSection => "Section", "區段";
    RptTotal => "total", "總計";
    RptCharts => "The day in charts", "本日圖表";
    RptChartErrorRate => "Error rate (%)", "錯誤率（%）";
    RptChartP95 => "Response time p95 (ms)", "回應時間 p95（毫秒）";
    RptChartDeliveries => "Deliveries", "配送";
    RptDelivered => "delivered", "已送達";
    RptFailed => "failed", "失敗";
    RptNoSamples => "no samples", "沒有數據";
    RptWarnings => "Warnings", "警示";
    RptMUptime => "System uptime", "系統可用率";
    RptMCompletion => "Order completion rate", "訂單完成率";
    RptMAvg => "Average response time", "平均回應時間";
    RptMP95 => "Response time p95", "回應時間 p95";
    RptMTickets => "Tickets resolved within 2 h", "2 小時內解決的工單";
    RptHowUptime => "polls not critical / polls of", "非嚴重輪詢數／輪詢總數，來源";
    RptHowCompletion => "last delivered / (delivered + failed) of", "最後一筆 已送達／（已送達＋失敗），來源";
    RptHowAvg => "mean of the day's per-minute avg_ms of", "本日每分鐘 avg_ms 的平均，來源";
    RptHowP95 => "mean of the day's per-minute p95_ms of", "本日每分鐘 p95_ms 的平均，來源";
    RptHowTickets => "resolved within the target, of the tickets resolved or already past it, of", "在目標時間內解決的工單／已解決或已逾時的工單，來源";
    RptHowLast => "last value of", "最後一筆數值，來源";
    RptHowMean => "mean of", "平均值，來源";
    RptHowStatement => "not measurable from live samples", "無法從即時數據量測";
    RptComma => ", ", "，";
    RptColon => ": ", "：";
    RptStop => ".", "。";
    RptListSep => ", ", "、";
    RptAgainstEvidence => "ticked anyway, the evidence said: {0}", "佐證未通過仍勾選，當時佐證：{0}";
    RptAgainstCount => "{0} ticked against their evidence", "{0} 項在佐證未通過時勾選";
    RptNow => "now in {0} until {1}", "目前進行 {0}（至 {1}）";
    RptTickets => "Support tickets", "客服工單";
    RptTicketsLine => "{0} opened, {1} resolved, {2} still open ({3} open past {4} h).", "開立 {0} 筆、解決 {1} 筆、仍未結案 {2} 筆（其中 {3} 筆超過 {4} 小時）。";
    RptNoTickets => "No support tickets were seen.", "沒有看到任何客服工單。";
    RptTicket => "Ticket", "工單";
    RptOpened => "Opened", "開立";
    RptResolvedAt => "Resolved", "解決";
    RptTook => "Took", "處理時間";
    RptMIssueResolution => "Issue resolution time (mean)", "問題解決時間（平均）";
    RptHowIssueResolution => "mean of opened → resolved (an open ticket by its age) of", "開立到解決的平均（未結案者以目前時長計），來源";
    RptMTicketsUnit => "h", "小時";

    // `warroom status`.
    StatusHead => "{0} — {1} ({2}), now {3}", "{0} — {1}（{2}），現在 {3}";
    StatusNow => "Now: {0}, ends in {1}", "進行中：{0}，剩餘 {1}";
    StatusBreak => "Break: {0} starts in {1}", "休息中：{0} 將於 {1} 後開始";
    StatusBefore => "Not started: {0} starts in {1}", "尚未開始：{0} 將於 {1} 後開始";
    StatusOver => "Launch day over", "上線日已結束";
    StatusDay => "Launch day: {0}/{1} done or skipped ({2} done, {3} skipped), {4} overdue", "上線日：已完成或略過 {0}/{1}（完成 {2}、略過 {3}），逾期 {4}";
    StatusBlockOverdue => "  {0} overdue", "  逾期 {0}";
    StatusOthers => "Pre-launch: {0}/{1} done or skipped · Expansion: {2}/{3} · Signed: {4} of {5}", "上線前準備：已完成或略過 {0}/{1} · 擴大試營運：{2}/{3} · 已簽核：{4}/{5}";
    StatusEvents => "{0} changes recorded today", "今天共記錄 {0} 筆變更";

    // The pilot beyond launch day: the log's new facts.
    VerbSignedOff => "signed off", "簽核";
    VerbSignoffWithdrawn => "withdrew sign-off", "撤回簽核";
    VerbJudged => "judged", "判定";
    VerbAnnounced => "announced", "公告";
    VerbAnnouncementCleared => "cleared announcement", "撤下公告";
    DetailSignedAs => "{0} as {1}", "{0}（{1}）";
    DetailJudged => "{0}: {1}", "{0}：{1}";
    RptNotYetBegun => "not yet begun", "尚未開始";

    // What an operator may record about the pilot (app::rules).
    RuleUnknownSignoff => "no sign-off {0} in the layout", "版面設定中沒有簽核項目 {0}";
    RuleNotHolder => "{0} may be signed by {1} only, not by {2}", "{0} 只能由 {1} 簽核，{2} 不在名單內";
    RuleAlreadySigned => "{0} is already signed by {1}: withdraw it first", "{0} 已由 {1} 簽核：請先撤回";
    RuleNotSigned => "{0} is not signed", "{0} 尚未簽核";
    RuleNotYours => "{0} was signed by {1}: only they or a holder of the role may withdraw it", "{0} 由 {1} 簽核：只有本人或該職務的負責人可以撤回";
    RuleNameNeeded => "a name is needed to sign", "簽核需要填寫姓名";
    RuleReasonNeeded => "a reason is needed", "需要填寫原因";
    RuleTooLong => "too long: at most {0} characters", "太長了：最多 {0} 個字";
    RuleUnknownTarget => "no target {0} in the layout", "版面設定中沒有目標 {0}";
    RuleMeasured => "{0} is measured from {1}: it is judged by its numbers, not by an operator", "{0} 由 {1} 量測：依數據判定，不由人員判定";
    RuleEmptyAnnouncement => "an announcement needs some text", "公告需要內容";
    RuleExpiryPassed => "the expiry {0} has already passed", "到期時間 {0} 已經過了";
    RuleBadExpiry => "{0} is not an expiry: use a time such as 15:00 or a duration such as 30m or 2h", "{0} 不是到期時間：請用 15:00 這樣的時間，或 30m、2h 這樣的時長";
    RuleUnknownAnnouncement => "no such announcement", "沒有這則公告";
    RuleNotShowing => "that announcement is no longer showing", "這則公告已不再顯示";

    // The go/no-go for expansion (app::gonogo).
    GoGo => "GO", "建議擴大（GO）";
    GoNoGo => "NO-GO", "不建議擴大（NO-GO）";
    GoTargetFailing => "1 target failing", "1 項目標未達標";
    GoTargetsFailing => "{0} targets failing", "{0} 項目標未達標";
    GoTargetUnsettled => "1 target without a verdict", "1 項目標尚無結果";
    GoTargetsUnsettled => "{0} targets without a verdict", "{0} 項目標尚無結果";
    GoExpansionOpen => "1 expansion item open", "1 項擴大條件未完成";
    GoExpansionsOpen => "{0} expansion items open", "{0} 項擴大條件未完成";
    GoTargetsPass => "{0} of {1} targets pass", "{1} 項目標中 {0} 項達標";
    GoExpansionDone => "{0} of {1} expansion items done", "{1} 項擴大條件中 {0} 項完成";
    GoSignoffs => "{0} of {1} sign-offs", "簽核 {0}/{1}";
    GoSoFar => " (week {0} so far, day {1} of 7)", "（第 {0} 週至今，第 {1}/7 天）";
    GoFailingAt => "failing at {0}", "未達標，實測 {0}";
    GoAwaitingVerdict => "awaiting an operator's verdict", "等待人員判定";
    GoJudgedFailing => "judged failing by {0} ({1})", "{0} 判定未達標（{1}）";
    GoBlockTarget => "{0} ({1}): {2}", "{0}（{1}）：{2}";
    GoBlockOpen => "{0}: open", "{0}：未完成";
    GoBlockSkipped => "{0}: skipped ({1})", "{0}：略過（{1}）";
    GoBlockWithdrawn => "{0}: {1}'s sign-off withdrawn by {2} ({3})", "{0}：{1} 的簽核已由 {2} 撤回（{3}）";
    GoBlockUnnamed => "{0}: ticked without a name; sign it by name", "{0}：只有勾選、沒有署名；請具名簽核";
    GoBlockUnsigned => "{0}: not signed", "{0}：尚未簽核";
    GoBlockNotHolder => "signed by {0}, who is not a holder of the role", "由 {0} 簽核，但此人不是該職務的負責人";

    // The pilot calendar.
    PilotDayWeek => "Pilot day {0} · week {1}", "試營運第 {0} 天 · 第 {1} 週";
    PilotCustomers => " · {0} customers", " · {0} 位客戶";
    PilotTomorrow => "Pilot starts tomorrow ({0})", "試營運明天開始（{0}）";
    PilotStartsIn => "Pilot starts in {0} days ({1})", "試營運 {0} 天後開始（{1}）";
    PilotOver => "Pilot over: day {0}, past its {1} weeks", "試營運已結束：第 {0} 天，已超過預定的 {1} 週";

    // The hourly status update (`warroom status --update`, `U`).
    UpdHead => "{0} — status at {1}, {2} ({3})", "{0} — {2} {1} 狀態更新（{3}）";
    UpdAnnouncement => "Announcement: {0} — {1} at {2}{3}", "公告：{0} — {1} 於 {2} 發布{3}";
    UpdUntil => ", until {0}", "，至 {0}";
    UpdNow => "Now: {0} ({1}), {2}/{3} done, ends in {4}", "進行中：{0}（{1}），已完成 {2}/{3}，剩餘 {4}";
    UpdBetween => "Between blocks; {0} items of earlier blocks still open", "時段之間；先前時段仍有 {0} 項未完成";
    UpdDayOver => "The day's blocks are over: {0}/{1} done", "今日時段已結束：已完成 {0}/{1}";
    UpdNoAlerts => "Open alerts: none", "未解除告警：無";
    UpdAlerts => "Open alerts ({0}):", "未解除告警（{0}）：";
    UpdAlert => "  • {0} {1} since {2}: {3} — {4}", "  • {0} {1}，自 {2} 起：{3} — {4}";
    UpdOnIt => "on it: {0} since {1}", "處理中：{0}（{1} 起）";
    UpdOnItWhy => "on it: {0} since {1} ({2})", "處理中：{0}（{1} 起，{2}）";
    UpdNobody => "nobody on it yet", "尚無人處理";
    UpdWeekSoFar => "{0}, the week so far (day {1} of 7):", "{0}，本週至今（第 {1}/7 天）：";
    UpdWeekFinal => "{0}, final:", "{0}，最終結果：";
    UpdWeekNotBegun => "{0}: the week has not begun", "{0}：該週尚未開始";
    UpdToday => "{0}, today's numbers:", "{0}，今日數據：";
    UpdTarget => "  {0} {1}: {2} (target {3})", "  {0} {1}：{2}（目標 {3}）";
    UpdNext => "Next: {0} ({1}) in {2}", "下一個時段：{0}（{1}），{2} 後開始";
    UpdNoNext => "Next: no more blocks today", "下一個時段：今日已無其他時段";

    // How a week's target was computed (words::week_how).
    WkHowUptime => "{0} of {1} polls not critical, over {2} days, from {3}", "{1} 次輪詢中 {0} 次非嚴重，共 {2} 天，來源 {3}";
    WkHowCompletion => "{0} delivered of {1} deliveries that reached an end, over {2} days, from {3}", "已結案的 {1} 筆配送中 {0} 筆送達，共 {2} 天，來源 {3}";
    WkHowCompletionRate => "the backend's own completion rate, averaged over {0} days, from {1}", "後端自報的完成率，{0} 天平均，來源 {1}";
    WkHowMinuteMean => "mean of {0} per-minute {1} values, over {2} days, from {3}", "{0} 筆每分鐘 {1} 數值的平均，共 {2} 天，來源 {3}";
    WkHowTickets => "mean time from opening to resolution of {0} tickets ({1} still open, counted by their age), from {2}", "{0} 筆工單從開立到解決的平均時間（{1} 筆未結案，以目前時長計），來源 {2}";
    WkHowTicketsWithin => "resolved within the target, of {0} tickets, from {1}", "{0} 筆工單中在目標時間內解決的比例，來源 {1}";
    WkHowWeighted => "each day's {0} weighted by its {1} ({2} in all), over {3} days, from {4}", "每日 {0} 依當日 {1} 加權（共 {2}），共 {3} 天，來源 {4}";
    WkHowDaily => "mean of each day's last {0}, over {1} days, from {2}", "每日最後一筆 {0} 的平均，共 {1} 天，來源 {2}";
    WkHowJudged => "judged {0} by {1} at {2}: {3}", "{1} 於 {2} 判定{0}：{3}";
    WkHowAwaiting => "no source measures it: awaiting an operator's verdict", "沒有來源可量測：等待人員判定";
    WkHowNoSamples => "no samples from {0} in the week", "本週沒有來自 {0} 的數據";

    // `warroom report --week N`.
    WkTitle => "Week {0} report", "第 {0} 週報告";
    WkNotBegun => "The week begins {0}: nothing to judge yet.", "本週於 {0} 開始：尚無可判定的數據。";
    WkInProgress => "Day {0} of 7: the values are the week so far.", "第 {0}/7 天：數值為本週至今。";
    WkOver => "The week is over: the values are final.", "本週已結束：數值為最終結果。";
    WkDaysWithoutSamples => "{0} days of the week have no samples: warroom was not recording then.", "本週有 {0} 天沒有數據：當時 warroom 沒有在記錄。";
    WkPeriod => "Days", "日期";
    WkPhase => "Phase", "階段";
    WkTargets => "Targets over the week", "本週目標";
    WkDayByDay => "Day by day", "逐日數值";
    WkDays => "The week's days", "本週每日";
    WkDay => "Day", "天";
    WkDate => "Date", "日期";
    WkCustomers => "Customers", "客戶數";
    WkSamples => "Samples", "數據筆數";
    WkChanges => "Changes", "變更";
    WkAlerts => "Alerts", "告警";
    WkToCome => "to come", "尚未到來";
    WkNoDaily => "no daily values: judged by an operator, or no source", "沒有逐日數值：由人員判定或沒有來源";
    // Dialogs, the strip's alert, late ticks, the demo's end (issue 16).
    KeyAlerts => "the alerts list: ↑↓ choose an alert, a acknowledges it", "告警清單：↑↓ 選擇告警，a 確認";
    NoticeNoItem => "No item is selected here: notes and skips are for checklist items (views 1, 2 and 4). What you type now is not used.", "這裡沒有選取的項目：備註與略過只用於檢查項目（第 1、2、4 頁）。現在輸入的內容不會被使用。";
    NoticeNoAlert => "No open alert to acknowledge. What you type now is not used.", "沒有需要確認（ack）的未處理告警。現在輸入的內容不會被使用。";
    NoticeTitle => " Nothing to do ", " 沒有可處理的項目 ";
    NoticeKeys => "Enter or Esc closes", "按 Enter 或 Esc 關閉";
    FlashNoteNeedsText => "A note needs some text (Esc cancels)", "備註不可空白（按 Esc 取消）";
    FlashAckCleared => "Not acknowledged: {0} cleared while you typed", "未確認：{0} 已在輸入期間解除";
    ConfirmTickNoData => "The evidence for “{0}” has no data: {1}. Nothing shows the item is done. Tick it anyway?", "「{0}」的即時佐證沒有資料：{1}。沒有任何數據證明已完成。仍要勾選嗎？";
    ConfirmTitle => " Tick anyway? ", " 仍要勾選？ ";
    ConfirmKeys => "y / n   y ticks it anyway · n or Esc leaves it open", "y / n   y 仍然勾選 · n 或 Esc 保持未完成";
    DialogSkip => " Skip ", " 略過 ";
    DialogNote => " Note ", " 備註 ";
    DialogAck => " Acknowledge an alert ", " 確認告警 ";
    DialogKeys => "Enter saves · Esc cancels", "Enter 儲存 · Esc 取消";
    DialogAckKeys => "↑↓ which alert · Enter saves · Esc cancels", "↑↓ 選擇告警 · Enter 儲存 · Esc 取消";
    SearchKeys => "Enter keeps · Esc clears", "Enter 保留 · Esc 清除";
    AckWho => "{0} on it", "{0} 處理中";
    AckNobody => "nobody on it", "無人處理";
    StripMore => "+{0} more", "另 {0} 則";
    StripAlertsKey => "  !: alerts", "  !：告警";
    StripAckKey => " (a)", "（a）";
    AsideLate => "late", "延遲";
    DetailLate => "{0} Done late: ticked {1} after its block ended at {2}", "{0} 延遲完成：時段 {2} 結束後 {1} 才勾選";
    DemoOver => "Demo day over: the clock stopped at {0}", "演練日已結束：時鐘停在 {0}";
    HelpColours => "screen", "畫面";
    HelpScreen => "{0}, {1}", "{0}，{1}";
    HelpPosition => "· {0}/{1}", "· {0}/{1}";
    HelpMore => "  ↓ more keys (j, PgDn)", "  ↓ 還有更多按鍵（j、PgDn）";
    ColoursNone => "no colour (NO_COLOR or --no-color)", "無色彩（NO_COLOR 或 --no-color）";
    Colours8 => "8 colours", "8 色";
    Colours16 => "16 colours", "16 色";
    Colours256 => "256 colours", "256 色";
    ColoursTrue => "24-bit colour", "24 位元全彩";
    SymbolsAscii => "ASCII only (--ascii)", "僅 ASCII（--ascii）";
    SymbolsUnicode => "Unicode symbols (--ascii for plain ASCII)", "Unicode 符號（--ascii 改用純 ASCII）";
    HintAlerts => "alerts", "告警";
    HintAck => "acknowledge", "確認";
    HintPanel => "next panel", "下一個面板";
    HintChoose => "choose alert", "選擇告警";
    AlertsMore => "  +{0} more open: ! then ↑↓", "  另有 {0} 則未處理：按 ! 再用 ↑↓";
    HereMore => "here: {0} +{1}", "在線：{0} 等另 {1} 人";
    PhaseStartsInShort => "starts in ", "距開始 ";
    PhaseEndsInShort => "{0} ends in ", "{0} 剩餘 ";
    PhaseBreakShort => "Break · ", "休息中 · ";
    PhaseOverShort => "Day over · {0}/{1}", "已結束 · {0}/{1}";
    RptLate => "late", "延遲";
    RptLateBy => "{0} after its block ended", "時段結束後 {0}";
    KeyAnnounce => "announce to the room (banner on every screen) · C takes the newest down", "向全體公告（每個畫面顯示橫幅）· C 撤下最新一則";
    KeyStatusUpdate => "status update: shown for review, copied to the clipboard", "狀態更新：顯示供檢視，並複製到剪貼簿";
    KeyJudge => "judge a target no source measures (view 3)", "判定沒有來源可量測的目標（第 3 頁）";
    DialogAnnounce => " Announce ", " 公告 ";
    PromptAnnounce => "Announcement to the room (at most {0} characters). To end it by itself add | and a time or duration: “Deploy freeze | 15:00”.", "向全體公告（最多 {0} 字）。要自動結束，請加上 | 與時間或時長：「暫停部署 | 15:00」。";
    DialogSign => " Sign off ", " 簽核 ";
    PromptSign => "Sign “{0}”: the layout names nobody for this role, so confirm the name you sign as.", "簽核「{0}」：版面未指定此職務的負責人，請確認簽核人姓名。";
    DialogWithdraw => " Withdraw a sign-off ", " 撤回簽核 ";
    PromptWithdraw => "Withdraw {1}'s sign-off of “{0}”. Why? A reason is required.", "撤回 {1} 對「{0}」的簽核。原因？必須填寫。";
    DialogJudge => " Judge a target ", " 判定目標 ";
    PromptJudge => "Your verdict on a target no source measures, and why (required).", "對沒有來源可量測的目標作出判定，並說明原因（必須填寫）。";
    DialogJudgeKeys => "↑↓ which target and verdict · Enter saves · Esc cancels", "↑↓ 選擇目標與判定 · Enter 儲存 · Esc 取消";
    JudgeChoice => "{0} · {1}: {2}", "{0} · {1}：{2}";
    NoticeNoJudgeable => "Every target of the layout is measured by a source: there is nothing for an operator to judge. What you type now is not used.", "版面的每個目標都有來源量測：沒有需要人員判定的目標。現在輸入的內容不會被使用。";
    FlashNoAnnouncement => "No announcement is showing", "目前沒有公告";
    FlashRefused => "Not recorded: {0}", "未記錄：{0}";
    FlashSignoffKeys => "A sign-off is signed or withdrawn with space, not skipped", "簽核請用空白鍵簽署或撤回，不能略過";
    FlashCopied => "Status update sent to your terminal's clipboard (OSC 52)", "狀態更新已送到終端機的剪貼簿（OSC 52）";
    UpdateTitle => " Status update ", " 狀態更新 ";
    UpdateKeys => "↑↓ PgUp PgDn scroll · c copies again · Esc closes", "↑↓ PgUp PgDn 捲動 · c 再次複製 · Esc 關閉";
    UpdateCopied => "Sent to the clipboard with OSC 52 (if your terminal or tmux allows it): paste it into the chat.", "已以 OSC 52 送到剪貼簿（需終端機或 tmux 允許）：貼到聊天室即可。";
    BannerBy => "{0} · {1} {2}", "{0} 發布於 {1} {2}";
    BannerUntil => " · until {0}", " · 至 {0}";
    BannerClear => " (C clears)", "（C 撤下）";
    BannerLayout => "Layout not reloaded: {0}", "版面未重新載入：{0}";
    CriteriaWeekNotBegun => "{0} · begins {1}", "{0} · {1} 開始";
    CriteriaWeekSoFar => "{0} · {1} to {2} · day {3} of 7, the week so far", "{0} · {1} 至 {2} · 第 {3}/7 天，本週至今";
    CriteriaWeekFinal => "{0} · {1} to {2} · final", "{0} · {1} 至 {2} · 最終結果";
    CriteriaJudgeKey => "J judges a target no source measures.", "按 J 判定沒有來源可量測的目標。";
    CriteriaByOperator => "judged", "人員判定";
    GoTitle => " Expansion: go / no-go ", " 擴大試營運：是否擴大 ";
    GoNoCalendar => "Week 4's targets cannot be judged: the layout names no pilot start ([pilot] start)", "無法判定第四週目標：版面沒有試營運開始日期（[pilot] start）";
    SignedBy => "signed: {0}", "已簽核：{0}";
    SignedWithdrawn => "withdrawn", "已撤回";
    SignedUnnamed => "ticked, not signed", "僅勾選、未署名";
    PilotNowMark => "(now)", "（目前）";
    FlashLayoutReloaded => "Layout reloaded: {0} items added, {1} removed (their history stays in the log)", "版面已重新載入：新增 {0} 項、移除 {1} 項（其紀錄仍保留在日誌中）";
    FlashNewDay => "A new day: {0}. The checklist starts again; {1} is in its report (warroom report --date {1})", "新的一天：{0}。檢查清單重新開始；{1} 的紀錄在其報告中（warroom report --date {1}）";
    QuietUntil => "quiet: no bell until {0}", "靜音：{0} 前不響鈴";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<usize> {
        let mut found: Vec<usize> = (0..10)
            .filter(|i| s.contains(&format!("{{{i}}}")))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_key_has_a_real_translation() {
        for &msg in Msg::ALL {
            let (en, zh) = (msg.en(), msg.zh());
            assert!(!en.trim().is_empty(), "{msg:?}: empty English");
            assert!(!zh.trim().is_empty(), "{msg:?}: empty Chinese");
            // The template is a frame around placeholders only: nothing to translate.
            let only_placeholders = en.trim().chars().all(|c| "{}0123456789".contains(c));
            if !SAME_IN_BOTH.contains(&msg) && !only_placeholders {
                assert_ne!(en, zh, "{msg:?}: zh is the English text");
            }
        }
    }

    #[test]
    fn both_languages_take_the_same_arguments() {
        for &msg in Msg::ALL {
            assert_eq!(
                placeholders(msg.en()),
                placeholders(msg.zh()),
                "{msg:?}: placeholders differ"
            );
        }
    }

    #[test]
    fn fills_placeholders_in_any_order() {
        assert_eq!(fill("{1} then {0}", &[&"a", &2]), "2 then a");
        assert_eq!(fill("{x} {0}", &[&1]), "{x} 1");
        assert_eq!(
            tf(Lang::ZhTw, Msg::FlashSaved, &[&"x"]),
            "已儲存：x".to_string()
        );
    }

    #[test]
    fn lang_from_flag_and_environment() {
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::ZhTw));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::from_env(None, Some("zh_TW.UTF-8")), Lang::ZhTw);
        assert_eq!(Lang::from_env(None, Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_env(None, None), Lang::En);
        // LC_ALL wins over LANG, both ways; an empty LC_ALL does not count.
        assert_eq!(Lang::from_env(Some("C"), Some("zh_TW.UTF-8")), Lang::En);
        assert_eq!(
            Lang::from_env(Some("zh_TW.Big5"), Some("en_US")),
            Lang::ZhTw
        );
        assert_eq!(Lang::from_env(Some(""), Some("zh_TW.UTF-8")), Lang::ZhTw);
        // --lang wins over both.
        assert_eq!(
            Lang::resolve(Some(Lang::En), Some("zh_TW.UTF-8"), Some("zh_TW.UTF-8")),
            Lang::En
        );
        assert_eq!(
            Lang::resolve(Some(Lang::ZhTw), None, Some("en_US.UTF-8")),
            Lang::ZhTw
        );
    }

    #[test]
    fn layout_text_falls_back_to_english() {
        let both = crate::layout::Text::new("Prices current", Some("價格為最新".into()));
        assert_eq!(both.get(Lang::ZhTw), "價格為最新");
        assert_eq!(both.get(Lang::En), "Prices current");
        let english_only = crate::layout::Text::new("Backup verification", None);
        assert_eq!(english_only.get(Lang::ZhTw), "Backup verification");
    }

    #[test]
    fn dates_and_ages() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        assert_eq!(date_long(Lang::ZhTw, day), "週二 2026-12-01");
        assert_eq!(date_long(Lang::En, day), "Tue 2026-12-01");
        assert_eq!(date_short(Lang::ZhTw, day), "週二 12-01");
        let d = chrono::Duration::seconds(3900);
        assert_eq!(age(Lang::En, d), "1 h 05 min");
        assert_eq!(age(Lang::ZhTw, d), "1 小時 05 分");
        assert_eq!(city(Lang::ZhTw, "Asia/Taipei"), "台北");
        assert_eq!(city(Lang::En, "America/New_York"), "New York");
        assert_eq!(period(Lang::ZhTw, "Week 2-3"), "第 2–3 週");
        assert_eq!(period(Lang::ZhTw, "Day 1-2"), "第 1–2 天");
        assert_eq!(period(Lang::ZhTw, "Month one"), "Month one");
        assert_eq!(period(Lang::En, "Week 1"), "Week 1");
    }
}
