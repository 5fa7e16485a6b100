"""日本語のテキスト: the Japanese catalog, with the same keys and placeholders as ``en``.

Phrased as a Dell or Microsoft Japanese KB would phrase it; product terms (Avamar, Hyper-V,
VMMS, winclustersvc, DestroySnapshot, message codes such as 43426) stay as they are.
``RULE_DESCRIPTIONS`` translates each rule's KB-like docstring (the English original).
"""

from __future__ import annotations

RULE_TITLES = {
    "rule.orphaned-checkpoint.title": (
        "マージの失敗により孤立したチェックポイント (.avhdx) が残っています"
    ),
    "rule.checkpoint-merge-failed.title": "チェックポイント ディスクのマージに失敗しました",
    "rule.checkpoint-creation-failed.title": (
        "チェックポイントの作成に失敗し、仮想マシンがバックアップから除外されました"
    ),
    "rule.no-backup-targets.title": (
        "バックアップ対象がありません: チェックポイント処理後に対象が残らず、"
        "何もバックアップされませんでした"
    ),
    "rule.repeated-checkpoint-failure.title": (
        "仮想マシンのチェックポイント作成が連続するバックアップで失敗しています"
    ),
    "rule.destroy-snapshot-failed.title": (
        "バックアップ用チェックポイントを削除できませんでした (DestroySnapshot の失敗)"
    ),
    "rule.missing-evidence.title": (
        "チェックポイント失敗の原因特定に必要なログがバンドルに含まれていません"
    ),
}

FINDING_MESSAGES = {
    "msg.orphaned-checkpoint": (
        "winclustersvc はジョブ「{job}」(グループ {group}) のチェックポイントのクリーンアップが "
        "{cleanup_time:time} に成功したと記録していますが、その後 VMMS は仮想マシン「{vm}」の"
        "チェックポイント ディスクのマージに {attempts:times}失敗しています。エラー コード: "
        "{hresult:hresult}。仮想マシンのフォルダーに孤立したチェックポイント (.avhdx) が"
        "残っている可能性があります。{consequence:sentence}"
    ),
    "msg.orphaned-checkpoint.cluster": (
        "{cleanup_host} の winclustersvc はジョブ「{job}」(グループ {group}) のチェックポイントの"
        "クリーンアップが {cleanup_time:time} に成功したと記録していますが、その後クラスター "
        "ノード {node} の VMMS は仮想マシン「{vm}」のチェックポイント ディスクのマージに "
        "{attempts} 回失敗しています。エラー コード: {hresult:hresult}。仮想マシンのフォルダーに"
        "孤立したチェックポイント (.avhdx) が残っている可能性があります。{consequence:sentence}"
    ),
    "msg.orphaned-checkpoint.explains": (
        "これが、{next_backup:time} に開始されたバックアップでのチェックポイント作成の失敗 "
        "(43426) の原因です。"
    ),
    "msg.checkpoint-merge-failed": (
        "VMMS は {first:span}、仮想マシン「{vm}」のチェックポイント "
        "ディスクのマージに {attempts:times}失敗しました。エラー コード: {hresult:hresult}。"
    ),
    "msg.checkpoint-creation-failed": (
        "{started:time} に開始されたバックアップで仮想マシン「{vm}」のチェックポイントの作成に"
        "失敗したため、この仮想マシンはバックアップから除外されました。{cause:sentence}"
    ),
    "msg.checkpoint-creation-failed.orphan": (
        "原因は孤立したチェックポイントです: {cleanup_time:time} のクリーンアップ後に、"
        "この仮想マシンのマージが失敗しています。"
    ),
    "msg.checkpoint-creation-failed.vmms": (
        "VMMS のイベントでもチェックポイント操作の失敗が確認できます。"
    ),
    "msg.no-backup-targets": (
        "{started:time} に開始されたバックアップでは、すべての仮想マシンのチェックポイント作成が"
        "失敗したため、何もバックアップされませんでした。除外された仮想マシン: {skipped:list}。"
    ),
    "msg.repeated-checkpoint-failure": (
        "仮想マシン「{vm}」のチェックポイント作成が、{first:span}、"
        "{streak} 回続けてバックアップで失敗しています。"
    ),
    "msg.destroy-snapshot-failed": (
        "{time:time} に DestroySnapshot が失敗しました。戻り値: {code:msg}。"
    ),
    "msg.destroy-snapshot-failed.group": (
        "{time:time} にグループ {group} の DestroySnapshot が失敗しました。戻り値: {code:msg}。"
    ),
    "msg.destroy-snapshot-failed.wmi": "WMI {return_code:wmi}",
    "msg.destroy-snapshot-failed.hresult": "{hresult:hresult}",
    "msg.missing-evidence.winclustersvc": (
        "winclustersvc.log がバンドルに含まれていないため、{failures} 件のチェックポイント作成の"
        "失敗 (43426) の原因を特定できません。"
    ),
    "msg.missing-evidence.vmms-admin": (
        "バンドルに Hyper-V-VMMS-Admin のイベントが含まれていないため、{failures} 件の"
        "チェックポイント作成の失敗 (43426) の原因を特定できません。"
    ),
    "msg.missing-evidence.vmms-admin.node": (
        "バンドルにクラスター ノード {node} (ノード: {nodes:list}) の Hyper-V-VMMS-Admin の"
        "イベントが含まれていないため、{failures} 件のチェックポイント作成の失敗 (43426) の"
        "原因を特定できない可能性があります。仮想マシンのマージはこのノードで失敗している"
        "可能性があります。"
    ),
    "msg.missing-evidence.vmms-admin.other-channels": (
        "バンドルに Hyper-V-VMMS-Admin のイベントが含まれていないため、{failures} 件の"
        "チェックポイント作成の失敗 (43426) の原因を特定できません。含まれているイベント ログは"
        "{channels:list}だけです。"
    ),
}

REMEDIATION = {
    "fix.restart-vmms": (
        "Avamar のバックアップが開始される前に、ホストで Hyper-V Virtual Machine Management "
        "サービスを再起動してください (例: タスク スケジューラから `Restart-Service vmms` を"
        "実行)。0x8007052F は、NT VIRTUAL MACHINE\\Virtual Machines の「サービスとしてログオン」"
        "権限が VMMS と同期していないことを示します。サービスを再起動すると、ログオン サービスと"
        "再同期されます。"
    ),
    "fix.gpo-logon-as-service": (
        "グループ ポリシーの [ユーザー権利の割り当て] > [サービスとしてログオン] の設定を"
        "無効にするか、NT VIRTUAL MACHINE\\Virtual Machines を追加してから、Hyper-V ホストで "
        "`gpupdate /force` を実行してください。"
    ),
    "fix.windows-updates": "Hyper-V ホストに最新の Windows Update を適用してください。",
    "fix.microsoft-case": (
        "孤立したチェックポイント (.avhdx ファイル) を安全にクリーンアップするため、Microsoft "
        "サポートにケースをオープンしてください。マージ失敗の根本原因への対応は Microsoft の"
        "担当範囲です。"
    ),
    "fix.find-orphans": (
        "仮想マシンのフォルダーで、チェックポイント チェーンに含まれていない .avhdx ファイルを"
        "探してください (`Get-VMSnapshot` の結果および `Get-VHD` の親パスとファイルを比較します)。"
        "孤立したチェックポイントは、Hyper-V マネージャーにも PowerShell にも表示されない"
        "ことがあります。"
    ),
    "fix.sharing-violation": (
        "マージ中に仮想ディスクを開いたままにしているもの (Hyper-V 用の除外設定がないウイルス"
        "対策ソフト、別のバックアップ ジョブやレプリカ ジョブ、残ったハンドル) を特定し、"
        "取り除いてください。"
    ),
    "fix.access-denied": (
        "仮想マシンの仮想アカウント (NT VIRTUAL MACHINE\\<VM GUID>) に、仮想マシンのフォルダー"
        "と仮想ディスクへのアクセス許可があることを確認してください。"
    ),
    "fix.disk-space": (
        "仮想マシンの仮想ディスクを格納しているボリュームの空き領域を確保してください。"
    ),
    "fix.check-winclustersvc": (
        "障害発生時刻前後の winclustersvc.log と、ホストの Hyper-V-VMMS Admin イベント ログを"
        "確認し、チェックポイントを作成できなかった理由を調べてください。"
    ),
    "fix.check-checkpoints": (
        "仮想マシンにチェックポイントが残っていないこと (`Get-VMSnapshot -VMName <name>`) と、"
        "フォルダー内に不要な .avhdx ファイルがないことを確認してから、バックアップを再実行して"
        "ください。"
    ),
    "fix.remove-backup-checkpoint": (
        "仮想マシンのチェックポイントを一覧表示し (`Get-VMSnapshot`)、残っている Avamar の"
        "バックアップ用チェックポイントを削除してください。削除できない場合は Microsoft サポートに"
        "お問い合わせください。"
    ),
    "fix.resolve-and-rerun": (
        "一覧の仮想マシンのチェックポイント作成の失敗を解決し (各検出結果を参照)、バックアップを"
        "再実行して正常に完了することを確認してください。"
    ),
    "fix.collect-winclustersvc": (
        "ジョブに含まれるすべての Hyper-V ホスト (クラスター ノード) で、Avamar クライアントの "
        "var フォルダー (通常は C:\\Program Files\\avs\\var\\) から winclustersvc.log を"
        "収集してください。"
    ),
    "fix.collect-vmms-admin": (
        "すべての Hyper-V ホストの Hyper-V-VMMS Admin ログを XML 形式でエクスポートして"
        "ください: イベント ビューアーで [アプリケーションとサービス ログ] > [Microsoft] > "
        "[Windows] > [Hyper-V-VMMS] > [Admin] を開いて [すべてのイベントを名前をつけて保存] "
        "(XML) を選択するか、`wevtutil qe Microsoft-Windows-Hyper-V-VMMS-Admin /f:xml > "
        "vmms-admin.xml` を実行します。"
    ),
}

MISSING_LINKS = {
    "missing.next-backup-log": (
        "次回バックアップの avhypervvss.log がバンドルに含まれていないため、この仮想マシンで"
        "チェックポイント作成の失敗 (43426) が発生したかどうかを確認できません"
    ),
    "missing.next-backup-succeeded": (
        "この仮想マシンを含む次回のバックアップではチェックポイントの失敗が報告されていません。"
        "その間に孤立したチェックポイントが削除された可能性があります"
    ),
    "missing.no-later-backup": (
        "avhypervvss.log には、このクリーンアップ以降にこの仮想マシンを含むバックアップの"
        "記録がありません"
    ),
}

EVIDENCE_ROLES = {
    "role.cleanup": "クリーンアップ",
    "role.cleanup-success": "クリーンアップ成功",
    "role.merge-failed": "マージ失敗",
    "role.next-backup-failed": "次回バックアップの失敗",
    "role.no-backup-targets": "バックアップ対象なし",
    "role.checkpoint-failed": "チェックポイント作成失敗",
    "role.vmms-checkpoint-failed": "VMMS のチェックポイント失敗",
    "role.destroy-failed": "DestroySnapshot 失敗",
    "role.unexplained": "原因不明",
    "role.run": "バックアップ開始",
    "role.vm-skipped": "除外された仮想マシン",
}

TEXT_REPORT = {
    "text.totals": (
        "読み込んだファイル {files_read} 件、不明 {files_unknown} 件、拒否 {files_refused} 件。"
        "{lines} 行、{events} イベント、未解析 {unparsed} 行"
    ),
    "text.incomplete": (
        "不完全: 入力の一部を読み込めなかったため、すべてを判定することはできませんでした"
    ),
    "text.host-time": "ホストの時刻: {zone} ({source}) — {reason}",
    "text.time-source.given": "指定",
    "text.time-source.inferred": "推定",
    "text.time-source.assumed": "仮定",
    "text.backup-runs": "バックアップの実行",
    "text.hosts": "ホスト (ノードごと)",
    "text.host-cluster": " (クラスター {cluster})",
    "text.host-findings": "検出 {count} 件: {rules}",
    "text.host-no-findings": "検出なし",
    "text.outcome.success": "成功",
    "text.outcome.partial": "一部成功",
    "text.outcome.failed": "失敗",
    "text.outcome.unknown": "不明",
    "text.vms-mentioned": "仮想マシン {count} 台",
    "text.vms-skipped": "、除外: {names}",
    "text.no-findings": "検出結果はありません。",
    "text.severity.critical": "重大",
    "text.severity.error": "エラー",
    "text.severity.warning": "警告",
    "text.severity.info": "情報",
    "text.vm": "仮想マシン: {vm}",
    "text.seen-at": "日時: {when}",
    "text.time-unknown": "時刻不明",
    "text.missing-link": "不足している証拠: {link}",
    "text.explained-by": "原因となる検出結果: {ids}",
    "text.remediation": "対処方法: {step}",
    "text.more-evidence.one": "… ほか 1 行の証拠",
    "text.more-evidence": "… ほか {count} 行の証拠 (-v で表示)",
    "text.unparsed": "未解析の行: {total} 行 ({shapes} パターン)",
    "text.rules-not-run": "実行されなかったルール",
    "text.diagnostics": "診断 ({count} 件)",
    "text.more-diagnostics": "… ほか {count} 件 (--verbose で表示)",
}

SEVERITY_NAMES = {
    "severity.critical": "重大",
    "severity.error": "エラー",
    "severity.warning": "警告",
    "severity.info": "情報",
}

HTML_REPORT = {
    "html.title": "Avamar Hyper-V バックアップ診断レポート",
    "html.bundle": "バンドル",
    "html.schema": "レポート スキーマ {version}",
    "html.repr-title": "avlogparse レポート: {bundle}",
    "html.section.timeline": "タイムライン (ホスト時刻)",
    "html.section.findings": "検出結果 ({count} 件)",
    "html.section.backup-runs": "バックアップ実行",
    "html.section.inputs": "入力ファイル",
    "html.section.hosts": "ホストとクラスター ノード",
    "html.section.unparsed": "解析できなかった行の形式",
    "html.section.rules": "ルール",
    "html.section.diagnostics": "診断メッセージ",
    "html.findings": "検出結果",
    "html.no-findings": "検出結果はありません。",
    "html.card.input": "入力ファイル",
    "html.card.host-clock": "ホスト時刻",
    "html.severity-count": "{severity:msg} {count} 件",
    "html.none": "なし",
    "html.input.complete": "すべて読み込み済み",
    "html.input.incomplete": "不完全",
    "html.input.whole": "すべての入力ファイルを最後まで読み込みました",
    "html.input.cut": "拒否 {refused} 件、途中で打ち切り {partial} 件",
    "html.input.totals": (
        "。読み込み {read} 件、ログ以外 {unknown} 件、{lines} 行、イベント {events} 件、"
        "未解析 {unparsed} 行"
    ),
    "html.runs.count": "{outcome:msg} {count} 回",
    "html.runs.none": "見つかりません",
    "html.meta.rule": "ルール",
    "html.meta.vm": "仮想マシン",
    "html.meta.host": "ホスト",
    "html.meta.seen": "発生日時",
    "html.not-shown": "このバンドルでは確認できない事項",
    "html.explained-by": "原因となる検出結果",
    "html.evidence": "証拠 (根拠となるログ行)",
    "html.what-to-do": "対処方法",
    "html.references": "参考情報",
    "html.whole-text": "全文を表示 ({count:,} 文字)",
    "html.event-gist": "イベント {event_id}: {message}",
    "html.col.where": "場所",
    "html.col.source": "ソース",
    "html.col.time": "時刻",
    "html.col.proves": "示す内容",
    "html.col.text": "ログ行",
    "html.col.severity": "重大度",
    "html.col.finding": "検出結果",
    "html.col.vm": "仮想マシン",
    "html.col.first-seen": "最初の発生日時",
    "html.col.path": "パス",
    "html.col.kind": "種類",
    "html.col.status": "状態",
    "html.col.encoding": "エンコード",
    "html.col.lines": "行数",
    "html.col.events": "イベント数",
    "html.col.records": "レコード数",
    "html.col.unparsed": "未解析の行",
    "html.col.whole": "最後まで読み込み",
    "html.col.reason": "理由",
    "html.col.line-range": "行",
    "html.col.started": "開始",
    "html.col.ended": "終了",
    "html.col.outcome": "結果",
    "html.col.vms-skipped": "除外された仮想マシン",
    "html.col.shape": "形式",
    "html.col.first-example": "最初の例",
    "html.col.rule": "ルール",
    "html.col.looks-for": "検出する内容",
    "html.col.findings": "検出結果 (件)",
    "html.col.host": "ホスト",
    "html.col.cluster": "クラスター",
    "html.col.why-skipped": "スキップした理由",
    "html.col.code": "コード",
    "html.col.message": "メッセージ",
    "html.yes": "はい",
    "html.no": "いいえ",
    "html.status.read": "読み込み済み",
    "html.status.unknown": "不明",
    "html.status.refused": "拒否",
    "html.rule-status.ran": "実行済み",
    "html.rule-status.skipped": "スキップ",
    "html.no-inputs": "入力ファイルはありません。",
    "html.no-runs": "プラグイン ログにバックアップ実行の記録がありません。",
    "html.all-understood": "すべての行を解析できました。",
    "html.no-diagnostics": "診断メッセージはありません。",
    "html.empty": "ありません。",
}

TIMELINE = {
    "timeline.backup-start": "バックアップ実行 {number} の開始",
    "timeline.backup-end": "バックアップ実行 {number} の終了: {outcome:msg}",
    "timeline.checkpoint-create": "バックアップ用チェックポイントの作成 (種類: {type})",
    "timeline.checkpoint-failed": (
        "チェックポイントの作成に失敗 (仮想マシンをバックアップから除外)"
    ),
    "timeline.cleanup": "{group} のクリーンアップ: DestroySnapshot {result:msg}",
    "timeline.destroy.success": "成功",
    "timeline.destroy.failure": "失敗",
    "timeline.destroy.not-logged": "記録なし",
    "timeline.event": "イベント {event_id}: {what:msg}",
    "timeline.event.hresult": "イベント {event_id}: {what:msg} (エラー コード: {hresult})",
    "timeline.event.checkpoint-failed": "チェックポイント操作の失敗",
    "timeline.event.merge-failed": "バックグラウンドでのディスク マージの失敗",
    "timeline.event.merge-completed": "バックグラウンドでのディスク マージの完了",
    "timeline.kind.backup-start": "バックアップ開始",
    "timeline.kind.backup-end": "バックアップ終了",
    "timeline.kind.checkpoint-create": "チェックポイント作成",
    "timeline.kind.checkpoint-failed": "チェックポイント失敗",
    "timeline.kind.cleanup": "クリーンアップ",
    "timeline.kind.merge-failed": "マージ失敗",
    "timeline.kind.merge-completed": "マージ完了",
    "timeline.kind.finding": "検出結果",
    "timeline.title": "仮想マシンごとのタイムライン (ホスト時刻)",
    "timeline.empty": "タイムラインに配置できるログの記録がありません。",
    "timeline.job-lane": "ジョブ / ホスト",
    "timeline.gap.minutes": "{count} 分",
    "timeline.gap.hours": "{count} 時間",
    "timeline.gap.days": "{count} 日",
    "timeline.text.job-wide": "(ジョブまたはホスト)",
    "timeline.text.empty": "(タイムラインの項目はありません)",
}

HOST_CLOCK = {
    "clock.given": "呼び出し元による指定: {zone}",
    "clock.given-dst": "呼び出し元による指定: {zone} (夏時間対応)",
    "clock.no-anchors": (
        "ホストのローカル時刻と UTC を比較できる記録の組がないため、ホストのローカル時刻を UTC "
        "として表示しています。ホストのタイム ゾーンは tz= (または --tz) で指定してください"
    ),
    "clock.no-match": (
        "どのオフセットでも、ホストのローカル時刻の記録 {anchors} 件に対応する UTC のイベントが"
        "相関の時間枠内にないため、ホストのローカル時刻を UTC として表示しています"
    ),
    "clock.inferred": (
        "{offset} と推定しました。このオフセットにすると、手掛かりとした記録 (クリーンアップと"
        "チェックポイントの失敗) {anchors} 件のうち {explained} 件で、直後に VMMS のイベントが"
        "記録されています{rivals:msg}{hints:msg}"
    ),
    "clock.rival-item": "{offset}: {explained}/{anchors}、時間差 {lag} 分",
    "clock.inferred.rivals": (
        "。ほかに {rival_count} 個のオフセット ({rival_list:rivals}) も同じ件数に当てはまるため、"
        "記録間の時間差の合計が最も小さいものを選びました"
    ),
    "clock.inferred-zone": (
        "{offsets}{family:msg} と推定 ({zone} として。切り替えが同じ IANA タイム ゾーン {zones} "
        "個の一つ)。切り替えはホストのローカル時刻 {switch}: 基準とした記録 (クリーンアップ、"
        "チェックポイントの失敗) {anchors} 件のうち {explained} 件の直後に VMMS のイベントが"
        "位置し、どの固定オフセットより多く当てはまります{rivals:msg}{hints:msg}"
    ),
    "clock.inferred-zone.family": " ({rules} の夏時間規則)",
    "clock.inferred-zone.rivals": (
        "。ほかに {rival_count} 個の規則が同数の記録に当てはまります (ログに出力されたタイム "
        "ゾーン名との一致、次に遅延の最小で選択)"
    ),
    "clock.from-abbreviation": (
        "ログに出力されたタイム ゾーン名 {name} から {offset} と推定 (ホストのローカル時刻と "
        "UTC を比較できる記録の組はありません)"
    ),
    "clock.hints.agree": "。ログに出力されたタイム ゾーン名 ({hint_names:list}) と一致します",
    "clock.hints.contradict": (
        "。ログに出力されたタイム ゾーン名 {contradicting:list} はこれと矛盾します "
        "(time_alignment.evidence を参照)"
    ),
    "clock.switch-hour": (
        "ホストの時計が {switch} に{kind:msg}時間帯に、ホストのローカル時刻の記録が {count} "
        "件あります。切り替え前のオフセットで配置しています (UTC の対応記録で配置したもの "
        "{resolved} 件)"
    ),
    "clock.switch-hour.forward": "飛ばした",
    "clock.switch-hour.back": "繰り返した",
    "clock.abbreviation-contradicts": (
        "{local} に出力されたタイム ゾーン名 {name} は、使用したホストの時計 ({zone}) と"
        "矛盾します"
    ),
}

HELPERS = {
    "time.unknown": "不明な時刻",
    "hresult.unknown": "不明",
    "wmi.unknown": "不明",
    "list.item": "「{item}」",
    "list.separator": "、",
    "list.last-separator": "、",
    "list.or-separator": "、",
    "list.empty": "なし",
    "sentence.gap": "",
    "reason.missing-facts": "バンドルに{facts:facts}が含まれていません",
    "fact.log": "{kind}.log の行",
    "fact.channel": "{channel} のイベント",
    "fact.provider": "チャネルのない {provider} のイベント",
}

HRESULT_TEXTS = {  # modelled on Japanese Windows system messages; no final 。 (in parentheses)
    "hresult.0x8007052F": "アカウントの制限により、このユーザーはサインインできません",
    "hresult.0x80070569": (
        "ログオン失敗: 要求された種類のログオンは、このコンピューターではユーザーに許可されて"
        "いません"
    ),
    "hresult.0x80070020": ("プロセスはファイルにアクセスできません。別のプロセスが使用中です"),
    "hresult.0x80070005": "アクセスが拒否されました",
    "hresult.0x80070002": "指定されたファイルが見つかりません",
    "hresult.0x80070299": ("ファイル システムの制限のため、要求された操作を完了できませんでした"),
    "hresult.0x800703EE": (
        "ファイルを含むボリュームが外部から変更されたため、開かれているファイルが無効になりました"
    ),
    "hresult.0x80070490": "要素が見つかりません",
    "hresult.0x8007000E": "この操作を完了するのに十分な記憶域がありません",
    "hresult.0x80070070": "ディスクに十分な空き領域がありません",
}

WMI_RETURN_CODES = {
    "wmi.0": "エラーなしで完了しました",
    "wmi.4096": "メソッドのパラメーターを確認しました - ジョブを開始しました",
    "wmi.32768": "失敗",
    "wmi.32769": "アクセスが拒否されました",
    "wmi.32770": "サポートされていません",
    "wmi.32771": "状態が不明です",
    "wmi.32772": "タイムアウト",
    "wmi.32773": "無効なパラメーター",
    "wmi.32774": "システムが使用中です",
    "wmi.32775": "この操作には無効な状態です",
    "wmi.32776": "データ型が正しくありません",
    "wmi.32777": "システムを使用できません",
    "wmi.32778": "メモリ不足",
}

REPORT_ISSUE_13 = {  # 原因を先に、誤りを明示、文言 (issue 13)
    "count.once": "1 回",
    "count.times": "{count} 回",
    "span.at": "{time} に",
    "span.between": "{first} から {last} までの間に",
    "text.root-cause": "根本原因 {number}/{total} ({severity}): {title}",
    "text.incident.vms": "対象の仮想マシン ({count} 台): {names}",
    "text.incident.job": "ジョブまたはホスト全体 (特定の仮想マシンなし)",
    "text.incident.likewise": "({names} も同様)",
    "text.incident.explains": "この原因で発生した問題: {items}",
    "text.incident.count-item": "{title} {count} 件",
    "text.what-to-do": "対処方法 (順に実施):",
    "text.step": "{number}. {step}",
    "html.section.root-causes": "根本原因 ({count} 件)",
    "text.meta-separator": " / ",
    "text.evidence": "証拠:",
    "text.evidence-of": "証拠 ({vm}):",
    "text.findings": "すべての検出結果 ({count} 件)",
    "text.part-of": "根本原因 {number} の一部です。対処方法はそちらを参照してください",
    "text.clock-choice": (
        "検出結果はこの選択に左右される可能性があります。{rivals:list} でもログと同じように"
        "一致します。ホストのタイム ゾーンがわかっている場合は --tz で指定してください "
        "(例: --tz {example})"
    ),
    "text.clock-depends": (
        "検出結果はこの選択に左右されます。{rivals:list} でもログと同じように一致します。"
        "ホストのタイム ゾーンがわかっている場合は --tz で指定してください:"
    ),
    "text.clock-same": (
        "{rivals:list} でもログと同じように一致しますが、どれを選んでも検出結果は同じです"
    ),
    "text.clock-rival": "--tz {tz}: {outcome}",
    "text.clock-rival.same": "検出結果は同じ",
    "text.clock-rival.lost": "検出されなくなるもの: {items}",
    "text.clock-rival.gained": "代わりに検出されるもの: {items}",
    "text.clock-rival.untried": "未確認 (規則を再実行したのは最初の {tried} 件のみ)",
    "text.clause-separator": "。",
    "err.unknown-vm": "--vm {vm}: {bundle} にその名前の仮想マシンはありません。{hint:sentence}",
    "err.unknown-vm.close": "もしかして: {close:list}",
    "err.unknown-vm.known": "記録されている仮想マシン: {known:list}",
    "err.unknown-vm.none": "このバンドルには仮想マシンの記録がありません。",
    "err.empty-range": (
        "--since {since} が --until {until} より後のため、対象の期間が空です"
    ),
    "err.not-a-time": (
        "時刻として解釈できません: {value} (ISO 8601 で指定してください。例: 2024-03-11T00:30)"
    ),
    "err.unknown-rules": "不明なルール ID: {ids}",
    "err.output-suffix": (
        "-o {path}: 拡張子から形式を判断できません。.txt .json .jsonl .csv .sarif .xml .html "
        "のいずれかを使うか、-o を 1 つにして --format を指定してください"
    ),
    "parse.diagnostic": "{path}: {message}",
    "parse.unknown-kind": "avlogparse が読み取れるログではありません (種類不明)。解析していません",
    "parse.incomplete": "{count} 個のファイルを最後まで読み込めませんでした",
}

MESSAGES: dict[str, str] = {
    **RULE_TITLES,
    **FINDING_MESSAGES,
    **REMEDIATION,
    **MISSING_LINKS,
    **EVIDENCE_ROLES,
    **TEXT_REPORT,
    **SEVERITY_NAMES,
    **HTML_REPORT,
    **TIMELINE,
    **HOST_CLOCK,
    **HELPERS,
    **REPORT_ISSUE_13,
    **HRESULT_TEXTS,
    **WMI_RETURN_CODES,
}

RULE_DESCRIPTIONS = {
    "orphaned-checkpoint": """\
orphaned-checkpoint — クリーンアップは成功と報告されたが、チェックポイントのマージに失敗した。

検出する内容: winclustersvc.log がバックアップ ジョブについて「Cleaning up checkpoint …
DestroySnapshot executed successfully」と報告し、その後 1 時間以内 (それより前ではない) に
同じホストの Hyper-V-VMMS が仮想マシンについて「background disk merge failed to complete」
(イベント ID 19100) を報告しており、その仮想マシンについてそれ以降の「merge completed」
(イベント ID 19080) がない場合。

影響: DestroySnapshot はマージを開始するだけです。マージが失敗すると、チェックポイントの
.avhdx が仮想マシンのフォルダーに残り、Hyper-V マネージャー、PowerShell、プラグインの
いずれからも見えなくなります。その結果 Windows は次のチェックポイントを作成できず、次回の
バックアップはその仮想マシンについて 43426 で失敗します。ジョブ内のすべての仮想マシンが
影響を受けた場合は 43427 で失敗します (Dell KB 000044579)。
""",
    "checkpoint-merge-failed": """\
checkpoint-merge-failed — Hyper-V がチェックポイント ディスクをマージできなかった。

検出する内容: Hyper-V-VMMS のイベント ID 19100「'<VM>' background disk merge failed to
complete: … (0x8007xxxx)」。VMMS は再試行するため、同じ仮想マシンについて 30 分以内に
繰り返されたイベントは 1 件の検出結果にまとめます。HRESULT はその意味に変換します。

影響: マージが成功するまで、仮想マシンは増え続ける差分ディスク (.avhdx) 上で動作します。
マージされずに残ったチェックポイントは、次回のバックアップ用チェックポイントの作成を妨げます。
""",
    "checkpoint-creation-failed": """\
checkpoint-creation-failed — チェックポイントの作成に失敗したため、仮想マシンが除外された (43426)。

検出する内容: avhypervvss.log のメッセージ 43426「Checkpoint creation for Virtual machine
'NAME<GUID>' has failed and will be skipped from backup」。仮想マシンとバックアップの実行ごとに
1 件の検出結果とし、その仮想マシンの VMMS の「Checkpoint operation failed」(イベント ID 18012)
があれば併せて示します。以前のマージ失敗で残った孤立したチェックポイントで説明できる場合は、
その原因の検出結果にリンクします。

影響: この実行では、その仮想マシンのバックアップは作成されていません。プラグインは
「winclustersvc.log を参照」としか示しませんが、原因は通常 Hyper-V のイベント ログにあります。
""",
    "no-backup-targets": """\
no-backup-targets — バックアップ全体で何も作成されなかった (43427)。

検出する内容: avhypervvss.log のメッセージ 43427「No targets available for backup after
checkpoint process」と、同じバックアップ実行の 43426 の行 (除外された仮想マシン)。

影響: ジョブ内のすべての仮想マシンでチェックポイントの作成に失敗したため、このバックアップでは
何も保護されていません。これが繰り返される場合、ジョブ内のどの仮想マシンにも最近の
バックアップがありません。
""",
    "repeated-checkpoint-failure": """\
repeated-checkpoint-failure — 同じ仮想マシンで、実行のたびにチェックポイントの作成が失敗する。

検出する内容: プラグイン ログの連続する 2 回以上のバックアップ実行で 43426 が記録された
仮想マシン (その仮想マシンにまったく言及していない実行は、連続を途切れさせません)。

影響: 1 回の失敗は一時的な競合の可能性がありますが、連続する失敗は、何らかの恒常的な原因
(通常は孤立したチェックポイント) がすべての新しいチェックポイントの作成を妨げていることを
意味します。その仮想マシンの最後の正常なバックアップは、毎晩古くなっていきます。
""",
    "destroy-snapshot-failed": """\
destroy-snapshot-failed — プラグインがバックアップ用チェックポイントを削除できなかった。

検出する内容: winclustersvc.log の DestroySnapshot の行のうち、失敗を報告しているもの。
Hyper-V WMI の戻り値 (32768 Failed、32775 Invalid state など) または HRESULT があれば併せて
示します。

影響: バックアップ用チェックポイントが仮想マシンに残ったままになります。次回のバックアップでは
チェックポイントの作成に失敗する可能性が高く、仮想マシンは差分ディスク上で動作し続けます。
""",
    "missing-evidence": """\
missing-evidence — バンドルでは説明できないチェックポイントの失敗: ログが不足している。

検出する内容: バンドルに winclustersvc.log または Hyper-V-VMMS のイベントのエクスポートが
含まれていない場合の、avhypervvss.log の 43426 の行。不足しているログごとに 1 件の検出結果
とし、収集すべきファイルとホスト上の場所を示します。

影響: プラグイン ログは、チェックポイントが失敗したことしか示しません。孤立したチェックポイント
の診断には、winclustersvc.log のクリーンアップの行と VMMS のマージのイベントが必要です。
これらがないとレポートは原因を判断できず、何も表示されないことが「原因なし」と誤解されます。
""",
}

FAILURE_MODES = {  # issue 12: shared/failure-catalog.md の障害モード (まとめて 1 ブロック)
    "rule.file-lock.title": (
        "ファイルのロックによりチェックポイントまたはマージが妨げられました (0x80070020)"
    ),
    "rule.disk-full.title": "チェックポイントまたはマージ中にディスク領域が不足しました",
    "rule.vss-writer-failed.title": "ホストまたはゲストの VSS ライターが失敗しました",
    "rule.csv-lost.title": "バックアップ中にクラスター共有ボリュームが失われました",
    "rule.autorecovery-leftover.title": (
        "残った AutoRecovery.avhdx がチェックポイントを妨げています"
    ),
    "rule.chain-file-missing.title": "ディスク チェーンのファイルが見つかりません",
    "rule.chain-corruption.title": "差分ディスク チェーンまたは RCT 変更追跡が破損しています",
    "rule.no-hot-backup.title": (
        "SCSI コントローラーがないため仮想マシンをオンライン バックアップできません"
    ),
    "rule.backup-job-failed.title": "avtar のバックアップ ジョブが失敗しました",
    "rule.unexplained-errors.title": "他の検出結果で説明できないエラー",
    "msg.file-lock": (
        "'{vm}' で {first:time} から {last:time} までに {count} 回ファイルのロックが発生しました"
        " ({hresult:hresult})。チェックポイントまたはマージの間、別のプロセスが仮想ディスクを"
        "開いていました。"
    ),
    "msg.disk-full": (
        "'{vm}' で {first:time} から {last:time} までに {count} 回ディスク領域が不足しました "
        "(ホスト {host}、イベント {events:list})。"
    ),
    "msg.vss-writer-failed": (
        "ホスト {host} で {first:time} から {last:time} までに {count} 回 VSS ライターが失敗"
        "しました: イベント {events:list}、{hresult:hresult}、ライター {writers:list}。"
    ),
    "msg.csv-lost": (
        "ホスト {host} で {first:time} から {last:time} までに {count} 回クラスター共有"
        "ボリュームが失われました: ボリューム {volumes:list}、状態 {statuses:list}。"
    ),
    "msg.autorecovery-leftover": (
        "'{vm}' のチェックポイントが {first:time} から {last:time} までに {count} 回 "
        "{hresult:hresult} で失敗しました。以前に失敗したバックアップが残した "
        "AutoRecovery.avhdx が原因です。"
    ),
    "msg.chain-file-missing": (
        "'{vm}' のディスク チェーンのファイルが見つかりません: {first:time} から {last:time} "
        "までに {count} 件のエラー (イベント {events:list}、{hresult:hresult})。"
    ),
    "msg.chain-corruption": (
        "'{vm}' のディスク チェーンまたは変更追跡が破損しています: {first:time} から "
        "{last:time} までに {count} 件のエラー (イベント {events:list}、{hresult:hresult})、"
        "ディスク {disks:list}。"
    ),
    "msg.no-hot-backup": (
        "'{vm}' には SCSI コントローラーがないため、オンライン バックアップできません "
        "({first:time} から {last:time} までに {count} 回)。"
    ),
    "msg.backup-job-failed": (
        "avtar のジョブは {time:time} に「Command failed」で終了しました: エラー {errors} 件、"
        "警告 {warnings} 件、終了コード {exit_code} ({exit_text})、エラー コード "
        "{codes:list}。{cause:sentence}"
    ),
    "msg.backup-job-failed.server-full": "Avamar サーバーの容量がいっぱいです。",
    "msg.backup-job-failed.dd-unreachable": (
        "クライアントが Data Domain システムに到達できないか、ログインできませんでした。"
    ),
    "msg.backup-job-failed.replication": (
        "リモートの Data Domain へのレプリケーションに失敗しました。"
    ),
    "msg.backup-job-failed.other": "原因はジョブのエラー行を確認してください。",
    "msg.unexplained-errors.line": (
        "{origin} が {first:time} から {last:time} までにコード {code} ({hresult:hresult}) の"
        "エラー行を {count} 行記録しました。他の検出結果では説明できません。"
    ),
    "msg.unexplained-errors.event": (
        "{origin} が {first:time} から {last:time} までにイベント {code} を {count} 回記録"
        "しました ({hresult:hresult})。他の検出結果では説明できません。"
    ),
    "fix.find-lock": (
        "ファイルを保持しているプロセスを特定してください: バックアップの時間帯にホストで "
        "Process Monitor (または handle.exe) を実行し、仮想マシンの .vhdx/.avhdx を開いている"
        "他のバックアップ、レプリカ、ウイルス対策のプロセスを探します。停電後に残ったロックは、"
        "仮想マシンをノードから移動して再起動しないと解除できない場合があります。"
    ),
    "fix.av-exclusions": (
        "Hyper-V のファイルをウイルス対策のスキャン対象から除外してください (KB 3105657): "
        "*.vhd、*.vhdx、*.avhd、*.avhdx、*.vhds、*.rct、*.vsv、*.bin、*.vmcx、*.vmrs、*.vmgs、"
        "仮想マシンのフォルダー、C:\\ClusterStorage、およびプロセス vmms.exe、vmwp.exe、"
        "vmsp.exe、vmcompute.exe。"
    ),
    "fix.restart-backup-services": (
        "他のバックアップやレプリカのジョブが Avamar のバックアップと重ならないことを確認し、"
        "VSS と Hyper-V のサービス (またはバックアップ) を再起動して古いハンドルを"
        "解放してください。"
    ),
    "fix.merge-space": (
        "ボリュームの空き領域を、マージする仮想ディスクのサイズ以上に保ち、保留中のマージを"
        "完了させてください。"
    ),
    "fix.vss-writers": (
        "ホストとゲストで `vssadmin list writers` を実行し、失敗状態のライターがあれば VSS と "
        "swprv のサービスを再起動 (または再起動) し、ゲストの「バックアップ (ボリューム "
        "チェックポイント)」統合サービスを修復してください。"
    ),
    "fix.stagger-jobs": (
        "同じホストや仮想マシンのスナップショットを 2 つのジョブが同時に取らないよう、"
        "バックアップのスケジュールをずらしてください。0x80042409 の 12289 が 1 回だけなら"
        "無視してかまいません。"
    ),
    "fix.csv-smb": (
        "すべてのクラスター ネットワーク アダプターで「Microsoft ネットワーク用クライアント」と"
        "「Microsoft ネットワーク用ファイルとプリンター共有」を有効にしてください (KB 2008795)。"
    ),
    "fix.csv-hotfix": (
        "Windows Server 2012 R2 では CSV の VSS 更新プログラム KB 3090343 を適用し、"
        "ボリュームのストレージ パスと予約を確認してください。"
    ),
    "fix.autorecovery": (
        "仮想マシンのフォルダーにある AutoRecovery.avhdx を削除または名前変更し (MS KB "
        "3175561)、バックアップを再実行してください。"
    ),
    "fix.restore-chain-file": (
        "見つからない親または子のディスク、チェックポイントのファイルを復元するか、正常な "
        ".vhdx で仮想マシンを作り直してください。各ディスクの `Get-VHD` で、どの親パスが"
        "見つからないかがわかります。"
    ),
    "fix.repair-chain": (
        "仮想マシンのディスク ファイルを退避してから、子を親にマージする (ディスクの編集または "
        "`Merge-VHD`) か、修復したディスクで新しい仮想マシンを作成してください。RCT の破損後の"
        "次回バックアップはフル バックアップになります。"
    ),
    "fix.add-scsi": (
        "仮想マシンに SCSI コントローラーを追加する (またはパススルー ディスクや共有ディスクを"
        "変換する) と、オンラインでバックアップできます。"
    ),
    "fix.server-capacity": (
        "Avamar サーバーの容量を空ける (バックアップの期限切れ、ガベージ コレクション) か、"
        "容量を追加してから、ジョブを再実行してください。"
    ),
    "fix.dd-name-resolution": (
        "クライアントが Data Domain システムを名前で解決して到達できるようにし (DNS、hosts "
        "ファイル、nsswitch.conf)、Avamar の DD の資格情報を確認してください。"
    ),
    "fix.dd-replication-ports": (
        "Data Domain システム間の RPC (ポート 111) と SSH (ポート 22) をファイアウォールと "
        "IPS で許可してから、レプリケーションを再試行してください。"
    ),
    "fix.read-avtar-errors": (
        "原因は、クライアント ログ (…\\avs\\var\\clientlogs) のジョブの Error 行と FATAL 行を"
        "確認してください。"
    ),
    "fix.read-unexplained": (
        "まずこれらの行またはイベントを確認してください。どのルールも認識していないため、"
        "レポートでは原因を示せません。コードまたはイベント ID をベンダーに確認してください。"
    ),
    "role.incident": "障害",
    "role.related": "関連",
    "role.job-error": "ジョブのエラー",
    "role.job-result": "ジョブの結果",
    "hresult.0x80070050": "ファイルが存在します",
    "hresult.0x800423FB": "シャドウ コピーで自動回復操作を完了できませんでした",
    "hresult.0x800423F0": (
        "シャドウ コピーには、ライターがアプリケーション コンポーネントを正しくバックアップする"
        "のに必要なボリュームの一部しか含まれていません"
    ),
    "hresult.0x800423F1": "ライターのメモリまたはその他のシステム リソースが不足しました",
    "hresult.0x800423F2": (
        "Freeze イベントと Thaw イベントの間でライターのタイムアウトが発生しました"
    ),
    "hresult.0x800423F3": "ライターで一時的なエラーが発生しました",
    "hresult.0x800423F4": "ライターで一時的でないエラーが発生しました",
    "hresult.0x80042409": "1 つ以上のライターの状態を取得できません",
    "hresult.0x80070032": "要求はサポートされていません",
    "hresult.0x80070018": "プログラムがコマンドを発行しましたが、コマンドの長さが正しくありません",
}
MESSAGES.update(FAILURE_MODES)

RULE_DESCRIPTIONS.update(
    {
        "file-lock": """\
file-lock — ファイルのロックによりチェックポイントまたはマージが妨げられた (0x80070020)。

検出する内容: HRESULT 0x80070020 (ERROR_SHARING_VIOLATION) または Hyper-V WMI ジョブ コード
32774 を含む Hyper-V のイベントまたはプラグインのエラー行 (VMMS 19100 など)。メッセージの文字列
ではなくコードで照合します。同じ仮想マシンの 6 時間以内のものを 1 件とし、同じ仮想マシンの
クラスターの影響 (1254、21502) があれば証拠に加えます。

影響: バックアップ エージェント、除外設定のないウイルス対策、古いハンドルが仮想ディスクを
保持しているため、マージや新しい .avhdx の作成が失敗します。
""",
        "disk-full": """\
disk-full — チェックポイントまたはマージ中にディスク領域が不足した (0x80070070、VMMS 16060)。

検出する内容: HRESULT 0x80070070 (ERROR_DISK_FULL) を含むイベントまたはエラー行と、
Hyper-V-VMMS のイベント 16060。メッセージは各言語に翻訳されるため、コードで照合します。

影響: 増え続ける .avhdx や容量可変ディスクがボリュームを使い切り、チェックポイントやマージが
失敗し、仮想マシンが一時停止します。
""",
        "vss-writer-failed": """\
vss-writer-failed — ホストまたはゲストの VSS ライターがバックアップを失敗させた。

検出する内容: Application ログの VSS イベント 8229、12293、8193 と、VSS ライターの HRESULT
0x800423F0 から 0x800423F4。ライターはイベント データのクラス ID で識別します。0x80042409 の
12289 は 1 回だけなら無害で、同じホストで繰り返された場合にのみ報告します。

影響: ライターの失敗やタイムアウトにより、シャドウ コピーとバックアップ用チェックポイントが
失敗するか、整合性のないものになります。
""",
        "csv-lost": """\
csv-lost — バックアップ中にクラスター共有ボリュームがノードから失われた (5120/5142)。

検出する内容: System ログの FailoverClustering イベント 5120 と 5142。ボリュームと状態コード
(STATUS_BAD_NETWORK_PATH(c00000be) など) はイベント データから読み取ります。

影響: チェックポイントやマージの途中で仮想マシンがストレージを失います。通常の原因は、
クラスター ネットワークで SMB が無効になっていることです。
""",
        "autorecovery-leftover": """\
autorecovery-leftover — 以前に失敗したバックアップが残した AutoRecovery.avhdx がチェック
ポイントを妨げている (0x80070050、0x800423FB)。

検出する内容: HRESULT 0x80070050 (ERROR_FILE_EXISTS) または 0x800423FB
(VSS_E_AUTORECOVERY_FAILED) を含むイベントまたはエラー行。

影響: ファイルを削除するまで、その仮想マシンのバックアップは毎回同じように失敗します
(MS KB 3175561)。
""",
        "chain-file-missing": """\
chain-file-missing — 仮想マシンのディスク チェーンのファイルが見つからない (0x80070002)。

検出する内容: Hyper-V-VMMS のイベント 1101、1102 と、HRESULT 0x80070002 を含むイベントまたは
エラー行。

影響: 親または子のディスク、またはチェックポイントのメタデータがなくなっており、チェーンを
修復するまでチェックポイントを作成も削除もできません。
""",
        "chain-corruption": """\
chain-corruption — 差分ディスク チェーンまたは RCT の変更追跡が破損している。

検出する内容: VHDMP-Operational のイベント 7 から 10 と、Microsoft がディスク チェーンの破損と
している HRESULT 0x80070032。ディスクはイベント データから読み取ります。

影響: チェックポイントとマージが失敗します。RCT の破損後の次回バックアップはフル バックアップ
になります。
""",
        "no-hot-backup": """\
no-hot-backup — SCSI コントローラーがないため仮想マシンをオンライン バックアップできない
(VMMS 10103)。

検出する内容: Hyper-V-VMMS のイベント 10103。

影響: Windows Server 2012 R2 では、オンライン バックアップに仮想 SCSI コントローラーが必要です。
ない場合、バックアップは失敗するか、保存状態のバックアップになります。
""",
        "backup-job-failed": """\
backup-job-failed — avtar のジョブが「Command failed」(5314) で終了した。

検出する内容: avtar の `<5314> Command failed (N errors, M warnings, exit code E: text)` と、
同じジョブの `<6149>` のエラー概要、それ以前の Error/FATAL 行 (`FATAL <0000>: <10608>…` の
ようにメッセージ内のコードも含む)。コードから原因を示します: Data Domain に到達できない
(10541、10509、8941、17964)、リモートの Data Domain へのレプリケーションの失敗 (10608、
40009、5674、6655)、Avamar サーバーの容量不足 (終了コード 10028)。

影響: ジョブは使用できるバックアップを作成していません。
""",
        "unexplained-errors": """\
unexplained-errors — 他の検出結果で説明できないエラー。

検出する内容: プラグイン ログのすべての Error/FATAL 行と、Hyper-V、VSS、フェールオーバー
クラスター、VHDMP のすべての Error/Critical イベントのうち、他のルールの検出結果の証拠に
なっていないもの。コード (またはイベント ID とプロバイダー) と HRESULT ごとにまとめ、件数と
最初と最後の日時を示します。既知のノイズ (KvpExchange 4096) は対象外です。

影響: エラーを含むバンドルが、どのルールも認識しないという理由で正常と見なされることが
あってはなりません。
""",
    }
)
MESSAGES.update(
    {
        f"msg.backup-job-failed.{cause}.debug-clock": FAILURE_MODES[
            f"msg.backup-job-failed.{cause}"
        ]
        + "デバッグ形式の行 (YYYY/MM/DD-hh:mm:ss) の時刻は、ホストのローカル時刻の行より "
        "{debug_hours} 時間遅れています (ホストのタイム ゾーン {zone})。"
        "その時計で読んでください。"
        for cause in ("server-full", "dd-unreachable", "replication", "other")
    }
)
MESSAGES.update(
    {
        "msg.missing-evidence.windows-log": (
            "どの検出結果でも説明できないチェックポイントの失敗が {failures} 件ありますが、"
            "バンドルには {log} のイベントがありません。原因を示すことの多い VSS ライター、"
            "クラスター、ワーカーのイベントが含まれていません。"
        ),
        "fix.collect-application": (
            "すべての Hyper-V ホストの Application ログを XML でエクスポートしてください (VSS "
            "イベント 8229、12289、12293): `wevtutil qe Application /f:xml > application.xml`。"
        ),
        "fix.collect-system": (
            "すべての Hyper-V ホスト (クラスター ノード) の System ログを XML でエクスポート"
            "してください (クラスター イベント 5120、5142、1254): `wevtutil qe System /f:xml > "
            "system.xml`。"
        ),
        "fix.collect-worker-admin": (
            "すべての Hyper-V ホストの Hyper-V-Worker Admin ログを XML でエクスポートして"
            "ください: `wevtutil qe Microsoft-Windows-Hyper-V-Worker-Admin /f:xml > "
            "worker-admin.xml`。"
        ),
    }
)
MESSAGES.update(
    {
        "rule.guest-cluster-vhds.title": (
            "ゲスト クラスターの共有 VHDX のコレクションのチェックポイントを作成できません"
        ),
        "msg.guest-cluster-vhds": (
            "'{vm}' の VM グループで {first:time} から {last:time} までに {count} 回コレクションの"
            "チェックポイントが失敗しました (共有 VHDX グループの Hyper-V WMI ジョブ コード)。"
        ),
        "fix.guest-cluster-service": (
            "Hyper-V がゲスト クラスター サービスを照会できるよう、ゲスト クラスターのすべての"
            "ゲストにフェールオーバー クラスタリング機能をインストールして開始してください。"
        ),
        "fix.vhds-not-csv": (
            "ゲスト内で共有 VHDX をクラスター共有ボリュームとして使用しないでください: ゲストの"
            "フェールオーバー クラスター マネージャーで「クラスターの共有ボリュームから削除」を"
            "実行します。"
        ),
        "fix.guest-shared-disks-online": "ゲストで共有ディスクをオンラインにしてください。",
        "fix.vhds-acl": (
            "各仮想マシンのアカウントに VHDS フォルダーへのアクセス権を付与してください: "
            "`icacls <folder> /grant \"NT VIRTUAL MACHINE\\<VM GUID>\":(OI)F` (KB 4230569)。"
        ),
    }
)
RULE_DESCRIPTIONS["guest-cluster-vhds"] = """\
guest-cluster-vhds — ゲスト クラスターの共有 VHDX (VHD セット) のコレクションのチェック
ポイントを作成できない。

検出する内容: VM グループ (コレクション) のチェックポイントの失敗を示す Hyper-V WMI ジョブ
コードを要求元の形式 (``Error code: '32768'``、``'32770'``、``'32775'``) で含むプラグインの
エラー行。同じ仮想マシンの 0x80070005 の VMMS 19100 があれば関連する証拠として示します。
0x80070005 の 19100 だけでは、通常のアクセス許可の問題としてこのルールは検出しません。

影響: ゲスト クラスター サービスを照会できない、ゲスト内で VHDS が CSV として使われている、
ゲストで共有ドライブがオフライン、または VHDS フォルダーが仮想マシンのアカウントを拒否して
いる場合、グループのすべてのチェックポイントが失敗します (KB 4230569)。
"""
