//! The tickable views as a flat list of rows (headings and items), in display order.
//! Built from the layout and the search filter; the UI draws it and the cursor walks it.

use crate::layout::{Item, Layout, Text};

use super::View;

#[derive(Debug, Clone)]
pub enum Row<'a> {
    Heading {
        depth: u8,
        title: &'a Text,
        /// e.g. "06:00–08:00" for a block.
        aside: Option<String>,
        /// The items this heading's progress counts.
        items: Vec<&'a str>,
        /// Index of the block, for launch-day block headings.
        block: Option<usize>,
    },
    Note {
        depth: u8,
        text: &'a Text,
    },
    Item {
        depth: u8,
        id: &'a str,
        text: &'a Text,
        /// Index of the block it belongs to (launch-day items only), for overdue marks.
        block: Option<usize>,
    },
}

impl Row<'_> {
    pub fn item_id(&self) -> Option<&str> {
        match self {
            Row::Item { id, .. } => Some(id),
            _ => None,
        }
    }
}

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

/// The rows of a tickable view; `filter` (lower-case) keeps only matching items and the
/// headings above them. Views without items give no rows.
pub fn rows<'a>(layout: &'a Layout, view: View, filter: &str) -> Vec<Row<'a>> {
    let keep = |text: &Text| filter.is_empty() || text.matches(filter);
    let mut rows = Vec::new();
    let push_items =
        |rows: &mut Vec<Row<'a>>, items: &'a [Item], depth: u8, block: Option<usize>| {
            for item in items.iter().filter(|i| keep(&i.text)) {
                rows.push(Row::Item {
                    depth,
                    id: &item.id,
                    text: &item.text,
                    block,
                });
            }
        };
    match view {
        View::LaunchDay => {
            for (b, block) in layout.blocks.iter().enumerate() {
                let aside = Some(format!(
                    "{}–{}",
                    block.start.format("%H:%M"),
                    block.end.format("%H:%M")
                ));
                rows.push(Row::Heading {
                    depth: 0,
                    title: &block.title,
                    aside,
                    items: block.items().map(|i| i.id.as_str()).collect(),
                    block: Some(b),
                });
                for section in &block.sections {
                    rows.push(Row::Heading {
                        depth: 1,
                        title: &section.title,
                        aside: None,
                        items: ids(&section.items),
                        block: None,
                    });
                    push_items(&mut rows, &section.items, 2, Some(b));
                }
            }
        }
        View::Prelaunch => {
            for section in &layout.prelaunch {
                let aside = section.number.map(|n| format!("§{n}"));
                rows.push(Row::Heading {
                    depth: 0,
                    title: &section.title,
                    aside,
                    items: section.items().map(|i| i.id.as_str()).collect(),
                    block: None,
                });
                if let Some(note) = &section.note {
                    rows.push(Row::Note {
                        depth: 1,
                        text: note,
                    });
                }
                for group in &section.groups {
                    rows.push(Row::Heading {
                        depth: 1,
                        title: &group.title,
                        aside: None,
                        items: ids(&group.items),
                        block: None,
                    });
                    if let Some(note) = &group.note {
                        rows.push(Row::Note {
                            depth: 2,
                            text: note,
                        });
                    }
                    push_items(&mut rows, &group.items, 2, None);
                }
            }
        }
        View::Expansion => {
            if let Some(intro) = &layout.launch.expansion_intro {
                rows.push(Row::Note {
                    depth: 0,
                    text: intro,
                });
            }
            for section in &layout.expansion {
                rows.push(Row::Heading {
                    depth: 0,
                    title: &section.title,
                    aside: None,
                    items: ids(&section.items),
                    block: None,
                });
                push_items(&mut rows, &section.items, 1, None);
            }
            if !layout.signoffs.is_empty() {
                rows.push(Row::Heading {
                    depth: 0,
                    title: &SIGNOFF_TITLE,
                    aside: None,
                    items: layout.signoffs.iter().map(|s| s.id.as_str()).collect(),
                    block: None,
                });
                for s in layout.signoffs.iter().filter(|s| keep(&s.role)) {
                    rows.push(Row::Item {
                        depth: 1,
                        id: &s.id,
                        text: &s.role,
                        block: None,
                    });
                }
            }
        }
        _ => {}
    }
    if !filter.is_empty() {
        prune_empty_headings(&mut rows);
    }
    rows
}

static SIGNOFF_TITLE: std::sync::LazyLock<Text> = std::sync::LazyLock::new(|| {
    Text::new("Sign-off Required From", Some("需簽核人員".to_string()))
});

/// Drops headings (and notes) with no item below them before the next heading of the same or
/// a higher level, so a filtered list shows only where the matches are.
fn prune_empty_headings(rows: &mut Vec<Row<'_>>) {
    let mut keep = vec![false; rows.len()];
    for i in 0..rows.len() {
        keep[i] = match &rows[i] {
            Row::Item { .. } => true,
            Row::Heading { depth, .. } | Row::Note { depth, .. } => {
                let depth = *depth;
                rows[i + 1..]
                    .iter()
                    .take_while(|r| !matches!(r, Row::Heading { depth: d, .. } if *d <= depth))
                    .any(|r| matches!(r, Row::Item { .. }))
            }
        };
    }
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}
