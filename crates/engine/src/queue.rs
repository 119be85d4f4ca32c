//! A traditional message queue beside the log, for comparison (SQS/RabbitMQ-style): a
//! message is deleted when acknowledged; a received message is invisible to other consumers
//! for a visibility timeout and comes back if it is not acknowledged in time; consumers
//! compete for messages. It is not Kafka: there are no offsets, no retention, no replay.

use crate::cluster::{Cluster, Event};
use crate::error::{SimError, SimResult};
use crate::trace::TraceKind;
use crate::types::Millis;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

const TICK_MS: Millis = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueMessage {
    pub id: u64,
    pub key: Option<String>,
    pub body: String,
    pub sent_at: Millis,
    pub receive_count: u32,
    /// Received and not yet acknowledged: invisible until then.
    pub invisible_until: Option<Millis>,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub name: String,
    pub visibility_timeout_ms: Millis,
    pub messages: Vec<QueueMessage>,
    pub sent: u64,
    pub deleted: u64,
    pub redelivered: u64,
    next_id: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueConsumer {
    pub id: String,
    pub queue: String,
    pub processing_ms: Millis,
    pub alive: bool,
    /// Acknowledge (delete) automatically after processing; otherwise wait for `ack_queue`.
    pub auto_ack: bool,
    /// The message being processed and when processing finishes.
    pub current: Option<(u64, Millis)>,
    pub processed: u64,
}

impl Cluster {
    /// Make sure a tick comes within `TICK_MS`. A tick whose time no longer matches
    /// `queue_wake` is stale and does nothing, so rescheduling never doubles the ticks.
    fn wake_queue(&mut self) {
        let at = self.now() + TICK_MS;
        if self.queue_wake.is_none_or(|w| w > at) {
            self.queue_wake = Some(at);
            self.push(at, Event::QueueTick);
        }
    }

    /// When the queues next need a tick: a consumer finishing, a visibility timeout running
    /// out, or an idle consumer and a visible message meeting. `None` when all is quiet, so
    /// a fast-forward or a long idle run costs nothing.
    fn next_queue_wake(&self) -> Option<Millis> {
        let now = self.now();
        let mut next: Option<Millis> = None;
        let mut at = |t: Millis| next = Some(next.map_or(t, |n: Millis| n.min(t)));
        for c in self.queue_consumers.iter().filter(|c| c.alive) {
            match c.current {
                Some((_, done)) if c.auto_ack => at(done.max(now + 1)),
                Some(_) => {}
                None => {
                    if self
                        .queues
                        .get(&c.queue)
                        .is_some_and(|q| q.messages.iter().any(|m| m.invisible_until.is_none()))
                    {
                        at(now + TICK_MS);
                    }
                }
            }
        }
        for q in self.queues.values() {
            for m in &q.messages {
                if let Some(t) = m.invisible_until {
                    at(t.max(now + 1));
                }
            }
        }
        next
    }

    pub fn create_queue(&mut self, name: &str, visibility_timeout_ms: Millis) -> SimResult<()> {
        if name.trim().is_empty() {
            return Err(SimError::command("a queue needs a name"));
        }
        if self.queues.contains_key(name) {
            return Err(SimError::command(format!("queue '{name}' already exists")));
        }
        self.queues.insert(
            name.to_string(),
            Queue {
                name: name.to_string(),
                visibility_timeout_ms: visibility_timeout_ms.max(1),
                messages: Vec::new(),
                sent: 0,
                deleted: 0,
                redelivered: 0,
                next_id: 0,
            },
        );
        Ok(())
    }

    pub fn queue_send(
        &mut self,
        queue: &str,
        key: Option<&str>,
        body: &str,
        count: u32,
    ) -> SimResult<()> {
        let now = self.now();
        let q = self
            .queues
            .get_mut(queue)
            .ok_or_else(|| SimError::command(format!("no queue named '{queue}'")))?;
        for i in 0..count.max(1) {
            q.next_id += 1;
            q.sent += 1;
            q.messages.push(QueueMessage {
                id: q.next_id,
                key: key.map(|k| k.replace("{i}", &i.to_string())),
                body: body.replace("{i}", &i.to_string()),
                sent_at: now,
                receive_count: 0,
                invisible_until: None,
                holder: None,
            });
        }
        self.wake_queue();
        Ok(())
    }

    pub fn add_queue_consumer(
        &mut self,
        id: &str,
        queue: &str,
        processing_ms: Millis,
        auto_ack: bool,
    ) -> SimResult<()> {
        if !self.queues.contains_key(queue) {
            return Err(SimError::command(format!("no queue named '{queue}'")));
        }
        if let Some(c) = self.queue_consumers.iter_mut().find(|c| c.id == id) {
            if c.alive {
                return Err(SimError::command(format!(
                    "a queue consumer named '{id}' is running"
                )));
            }
            *c = QueueConsumer {
                id: id.to_string(),
                queue: queue.to_string(),
                processing_ms,
                alive: true,
                auto_ack,
                current: None,
                processed: 0,
            };
            self.wake_queue();
            return Ok(());
        }
        self.queue_consumers.push(QueueConsumer {
            id: id.to_string(),
            queue: queue.to_string(),
            processing_ms,
            alive: true,
            auto_ack,
            current: None,
            processed: 0,
        });
        self.wake_queue();
        Ok(())
    }

    /// Acknowledge the message a queue consumer is holding: the queue deletes it.
    pub fn ack_queue(&mut self, consumer: &str) -> SimResult<()> {
        let c = self
            .queue_consumers
            .iter_mut()
            .find(|c| c.id == consumer && c.alive)
            .ok_or_else(|| {
                SimError::command(format!("no running queue consumer named '{consumer}'"))
            })?;
        let Some((msg, _)) = c.current.take() else {
            return Err(SimError::command(format!(
                "{consumer} holds no message to acknowledge (if it held one, its visibility timeout expired and the message went back to the queue)"
            )));
        };
        c.processed += 1;
        let queue = c.queue.clone();
        let name = c.id.clone();
        self.delete_message(&queue, msg, &name);
        self.wake_queue();
        Ok(())
    }

    pub fn crash_queue_consumer(&mut self, consumer: &str) -> SimResult<()> {
        let c = self
            .queue_consumers
            .iter_mut()
            .find(|c| c.id == consumer && c.alive)
            .ok_or_else(|| {
                SimError::command(format!("no running queue consumer named '{consumer}'"))
            })?;
        c.alive = false;
        c.current = None;
        let text = format!("queue consumer {consumer} crashed: its message stays invisible until the visibility timeout");
        self.note(&text);
        Ok(())
    }

    fn delete_message(&mut self, queue: &str, msg: u64, by: &str) {
        let now = self.now();
        if let Some(q) = self.queues.get_mut(queue) {
            let before = q.messages.len();
            // The receipt is valid only while this consumer still holds the message.
            q.messages
                .retain(|m| !(m.id == msg && m.holder.as_deref() == Some(by)));
            if q.messages.len() < before {
                q.deleted += 1;
                self.trace.push(
                    now,
                    TraceKind::Note {
                        text: format!("{by} acknowledged message {msg}: queue {queue} deleted it"),
                    },
                );
            }
        }
    }

    pub(crate) fn queue_tick(&mut self) {
        let now = self.now();
        if self.queue_wake != Some(now) {
            return;
        }
        self.queue_wake = None;
        // Messages whose visibility timeout expired come back; their holder's receipt is
        // no longer valid.
        let mut expired = Vec::new();
        for q in self.queues.values_mut() {
            for m in q.messages.iter_mut() {
                if m.invisible_until.is_some_and(|t| t <= now) {
                    m.invisible_until = None;
                    if let Some(h) = m.holder.take() {
                        expired.push((h, m.id));
                    }
                }
            }
        }
        for (holder, msg) in expired {
            if let Some(c) = self
                .queue_consumers
                .iter_mut()
                .find(|c| c.id == holder && c.current.is_some_and(|(m, _)| m == msg))
            {
                c.current = None;
            }
            self.note(&format!("message {msg}: visibility timeout expired before {holder} acknowledged it — visible again"));
        }
        let mut deletes = Vec::new();
        let mut notes = Vec::new();
        let consumers: Vec<usize> = (0..self.queue_consumers.len()).collect();
        for i in consumers {
            let Some(c) = self.queue_consumers.get(i).cloned() else {
                continue;
            };
            if !c.alive {
                continue;
            }
            if let Some((msg, done)) = c.current {
                if done <= now && c.auto_ack {
                    deletes.push((c.queue.clone(), msg, c.id.clone()));
                    if let Some(cm) = self.queue_consumers.get_mut(i) {
                        cm.current = None;
                        cm.processed += 1;
                    }
                }
                continue;
            }
            let Some(q) = self.queues.get_mut(&c.queue) else {
                continue;
            };
            let vt = q.visibility_timeout_ms;
            if let Some(m) = q.messages.iter_mut().find(|m| m.invisible_until.is_none()) {
                m.invisible_until = Some(now + vt);
                m.holder = Some(c.id.clone());
                m.receive_count += 1;
                let id = m.id;
                if m.receive_count > 1 {
                    q.redelivered += 1;
                    notes.push(format!(
                        "queue {}: message {id} redelivered to {} (delivery {})",
                        c.queue, c.id, m.receive_count
                    ));
                }
                if let Some(cm) = self.queue_consumers.get_mut(i) {
                    cm.current = Some((id, now + c.processing_ms));
                }
            }
        }
        for (q, msg, by) in deletes {
            self.delete_message(&q, msg, &by);
        }
        for n in notes {
            self.note(&n);
        }
        if let Some(at) = self.next_queue_wake() {
            self.queue_wake = Some(at);
            self.push(at, Event::QueueTick);
        }
    }

    /// Messages a queue holds, and how many are visible / in flight.
    pub fn queue_counts(&self, queue: &str) -> Option<(usize, usize)> {
        let q = self.queues.get(queue)?;
        let visible = q
            .messages
            .iter()
            .filter(|m| m.invisible_until.is_none())
            .count();
        Some((visible, q.messages.len() - visible))
    }

    pub fn queue_consumer_processed(&self) -> VecMap<String, u64> {
        self.queue_consumers
            .iter()
            .map(|c| (c.id.clone(), c.processed))
            .collect()
    }
}
