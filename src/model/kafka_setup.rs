//! What Kafka's own setup and format of one node did
//! ([`crate::probes::kafka_setup`] runs them): the exit status, the output,
//! what Kafka wrote; Kafka's refusal in its words, and the image's own
//! defects seen in what its wrapper wrote.

/// What separates the script's output from the server.properties it prints.
pub(crate) const PROPERTIES_MARK: &str =
    "--- kraft-acceptance: server.properties as Kafka wrote it ---";

/// What precedes each formatted directory's meta.properties in the output.
pub(crate) const META_MARK: &str = "--- kraft-acceptance: meta.properties of ";

/// One node's setup, as the engine ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupRun {
    pub service: String,
    /// The image that ran (the node's own, or the one built here for it).
    pub image: String,
    /// The exit status of the image's scripts (0: setup and format passed).
    pub exit: i64,
    /// What the scripts and Kafka printed, the server.properties aside.
    pub output: String,
    /// server.properties as Kafka's wrapper wrote it (on success).
    pub server_properties: Option<String>,
    /// Each formatted directory and its meta.properties, as StorageTool wrote it.
    pub meta_properties: Vec<(String, String)>,
    pub seconds: f64,
}

impl SetupRun {
    /// Kafka's own reason for refusing, in its words: the message of the
    /// exception Kafka's code threw, else the scripts' last line.
    pub fn refusal(&self) -> Option<String> {
        if self.exit == 0 {
            return None;
        }
        Some(kafka_message(&self.output).unwrap_or_else(|| {
            self.output
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("(no output)")
                .to_string()
        }))
    }
}

impl SetupRun {
    /// What the image's own wrapper did that its release later fixed, seen
    /// in what it wrote: Kafka 3.7.0's KafkaDockerWrapper formats with
    /// `--cluster-id=Some(<id>)` (KAFKA-16473) and writes KAFKA_HEAP_OPTS
    /// into server.properties as `heap.opts` (it excluded `KAFKA_HEAP_OPT`);
    /// both fixed in 3.7.1.
    pub fn image_defects(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (dir, text) in &self.meta_properties {
            if let Some(id) = text
                .lines()
                .find_map(|l| l.strip_prefix("cluster.id="))
                .filter(|id| id.starts_with("Some("))
            {
                out.push(format!("WARNING: {dir}/meta.properties stores cluster.id={id}: the image's KafkaDockerWrapper formatted the storage with --cluster-id=Some(...) (KAFKA-16473, apache/kafka 3.7.0; fixed in 3.7.1): every node formatted by it carries that id, and a node formatted otherwise will not join; move to 3.7.1 or later"));
            }
        }
        let server = self.server_properties.as_deref().unwrap_or_default();
        if let Some(v) = server.lines().find_map(|l| l.strip_prefix("heap.opts=")) {
            out.push(format!("WARNING: server.properties has heap.opts={v}: the image's KafkaDockerWrapper wrote KAFKA_HEAP_OPTS as a Kafka property (it excluded KAFKA_HEAP_OPT, apache/kafka 3.7.0; fixed in 3.7.1 by apache/kafka#15345): Kafka ignores it, and with no other KAFKA_* setting it replaces the image's default KRaft config"));
        }
        out
    }
}

/// The message of the first exception in `output` (`pkg.Class: message`,
/// up to its stack trace), with Kafka's own `requirement failed: ` kept.
pub(crate) fn kafka_message(output: &str) -> Option<String> {
    // The launch script echoes the wrapper's output unquoted: one line,
    // frames joined by spaces.
    let flat: String = output.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    while let Some(i) = flat[from..].find(": ") {
        let at = from + i;
        let head = &flat[..at];
        let word = head.rsplit(' ').next().unwrap_or_default();
        let class = word.rsplit(['.', '$']).next().unwrap_or_default();
        if word.contains('.')
            && (class.ends_with("Exception") || class.ends_with("Error") || class == "TerseFailure")
        {
            let rest = &flat[at + 2..];
            let end = rest
                .match_indices(" at ")
                .map(|(e, _)| e)
                .find(|&e| is_frame(rest[e + 4..].split(' ').next().unwrap_or_default()))
                .unwrap_or(rest.len());
            return Some(rest[..end].trim().to_string());
        }
        from = at + 2;
    }
    None
}

/// A stack frame's `pkg.Class.method(File.java:12)`.
fn is_frame(word: &str) -> bool {
    match word.split_once('(') {
        Some((method, rest)) => {
            method.contains('.')
                && method
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._$<>".contains(c))
                && rest.ends_with(')')
        }
        None => false,
    }
}

impl SetupRun {
    /// A run from the container's whole output: the scripts' and Kafka's
    /// lines, then (on success) what Kafka wrote, between the marks.
    pub(crate) fn from_output(
        service: &str,
        image: &str,
        exit: i64,
        text: &str,
        seconds: f64,
    ) -> Self {
        let (output, written) = match text.split_once(PROPERTIES_MARK) {
            Some((o, p)) if exit == 0 => (o.trim_end().to_string(), Some(p.trim_start())),
            _ => (text.trim_end().to_string(), None),
        };
        let (server_properties, meta_properties) = match written {
            Some(p) => {
                let mut parts = p.split(META_MARK);
                let server = parts.next().unwrap_or_default().to_string();
                let metas = parts
                    .filter_map(|m| m.split_once('\n'))
                    .map(|(dir, text)| (dir.trim().to_string(), text.to_string()))
                    .collect();
                (Some(server), metas)
            }
            None => (None, Vec::new()),
        };
        SetupRun {
            service: service.to_string(),
            image: image.to_string(),
            exit,
            output,
            server_properties,
            meta_properties,
            seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_of_kafkas_exception_is_quoted_without_its_frames() {
        let out = "===> Launching ... ===> Using provided cluster id 4L6g3nShT-eMCtK--X86sw ... Exception in thread \"main\" java.lang.IllegalArgumentException: requirement failed: If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1) at scala.Predef$.require(Predef.scala:337) at kafka.server.KafkaConfig.validateValues(KafkaConfig.scala:1)";
        assert_eq!(
            kafka_message(out).as_deref(),
            Some("requirement failed: If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1)")
        );
        let config = "org.apache.kafka.common.config.ConfigException: Invalid value Broker for configuration process.roles: String must be one of: broker, controller\n\tat org.apache.kafka.common.config.ConfigDef$ValidString.ensureValid(ConfigDef.java:1)";
        assert_eq!(
            kafka_message(config).as_deref(),
            Some("Invalid value Broker for configuration process.roles: String must be one of: broker, controller")
        );
        let words = "java.lang.IllegalArgumentException: requirement failed: controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role at scala.Predef$.require(Predef.scala:337)";
        assert_eq!(
            kafka_message(words).as_deref(),
            Some("requirement failed: controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role")
        );
        assert_eq!(
            kafka_message("KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller."),
            None
        );
    }

    #[test]
    fn a_refusal_without_an_exception_is_the_scripts_last_line() {
        let r = SetupRun {
            service: "kafka".into(),
            image: "i".into(),
            exit: 1,
            output: "===> Configuring ...\nKAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.\n".into(),
            server_properties: None,
            meta_properties: Vec::new(),
            seconds: 0.0,
        };
        assert_eq!(
            r.refusal().as_deref(),
            Some("KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.")
        );
        assert_eq!(SetupRun { exit: 0, ..r }.refusal(), None);
    }

    #[test]
    fn kafka_3_7_0s_wrapper_defects_are_named_from_what_it_wrote() {
        let run = SetupRun {
            service: "kafka".into(),
            image: "apache/kafka:3.7.0".into(),
            exit: 0,
            output: String::new(),
            server_properties: Some("node.id=1\nheap.opts=-Xmx512m\n".into()),
            meta_properties: vec![(
                "/var/lib/kafka/data".into(),
                "cluster.id=Some(5L6g3nShT-eMCtK--X86sw)\nnode.id=1\n".into(),
            )],
            seconds: 0.0,
        };
        let d = run.image_defects();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].contains("cluster.id=Some(5L6g3nShT-eMCtK--X86sw)")
                && d[0].contains("KAFKA-16473"),
            "{d:?}"
        );
        assert!(
            d[1].contains("heap.opts=-Xmx512m") && d[1].contains("3.7.1"),
            "{d:?}"
        );
        let fixed = SetupRun {
            server_properties: Some("node.id=1\n".into()),
            meta_properties: vec![("/d".into(), "cluster.id=5L6g3nShT-eMCtK--X86sw\n".into())],
            ..run
        };
        assert!(fixed.image_defects().is_empty());
    }

    #[test]
    fn what_kafka_wrote_is_read_back_from_the_output() {
        let text = format!("===> Launching ...\n\n{PROPERTIES_MARK}\nnode.id=1\nlog.dirs=/d\n{META_MARK}/d\ncluster.id=abc\n");
        let r = SetupRun::from_output("kafka", "i", 0, &text, 1.0);
        assert_eq!(r.output, "===> Launching ...");
        assert_eq!(
            r.server_properties.as_deref(),
            Some("node.id=1\nlog.dirs=/d\n")
        );
        assert_eq!(
            r.meta_properties,
            vec![("/d".to_string(), "cluster.id=abc\n".to_string())]
        );
        let refused = SetupRun::from_output("kafka", "i", 1, "boom\n", 1.0);
        assert_eq!(
            (
                refused.server_properties.as_deref(),
                refused.refusal().as_deref()
            ),
            (None, Some("boom"))
        );
    }
}
