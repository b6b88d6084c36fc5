<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../widgets/admin_views.py" line="39"/>
        <source>New account</source>
        <translation>新建账号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="39"/>
        <source>Edit account</source>
        <translation>编辑账号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="42"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="44"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="45"/>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="46"/>
        <source>System administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="47"/>
        <source>Facility &amp; customer administrator</source>
        <translation>设施及客户管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="48"/>
        <source>Card desk clerk</source>
        <translation>发卡管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="48"/>
        <source>Monitoring staff</source>
        <translation>监控管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="49"/>
        <source>Finance</source>
        <translation>财务管理员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="49"/>
        <source>Maintenance technician</source>
        <translation>运维人员</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="54"/>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
</context>
<context>
    <name>AccountsView</name>
    <message>
        <location filename="../../widgets/admin_views.py" line="75"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="75"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="75"/>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="75"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="76"/>
        <source>Last sign-in</source>
        <translation>最近登录</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="79"/>
        <source>New account…</source>
        <translation>新建账号…</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="79"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="80"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="80"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="81"/>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="92"/>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="92"/>
        <source>facility</source>
        <translation>设施</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="93"/>
        <source>card desk</source>
        <translation>发卡</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="93"/>
        <source>monitoring</source>
        <translation>监控</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="94"/>
        <source>finance</source>
        <translation>财务</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="94"/>
        <source>maintenance</source>
        <translation>运维</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="115"/>
        <source>base account (everything)</source>
        <translation>基础账号（全部权限）</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="117"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="117"/>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="119"/>
        <source>locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="153"/>
        <source>New password for %1:</source>
        <translation>%1 的新密码：</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="154"/>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
</context>
<context>
    <name>AlarmsView</name>
    <message>
        <location filename="../../widgets/alarm_view.py" line="50"/>
        <source>Pile offline</source>
        <translation>充电桩离线</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="50"/>
        <source>Smoke alarm</source>
        <translation>烟雾报警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="51"/>
        <source>Over-temperature</source>
        <translation>过温</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="51"/>
        <source>Cabinet door open</source>
        <translation>柜门打开</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="52"/>
        <source>Mains supply lost</source>
        <translation>市电断电</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="52"/>
        <source>Pile internal fault</source>
        <translation>充电桩内部故障</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="53"/>
        <source>Port overload</source>
        <translation>端口过载</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="53"/>
        <source>Short circuit</source>
        <translation>短路</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="54"/>
        <source>Relay stuck</source>
        <translation>继电器粘连</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="54"/>
        <source>Faulty line</source>
        <translation>线路故障</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="55"/>
        <source>Metering error</source>
        <translation>计量故障</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="57"/>
        <source>critical</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="57"/>
        <source>major</source>
        <translation>重要</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="57"/>
        <source>minor</source>
        <translation>次要</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="58"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="58"/>
        <source>info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="61"/>
        <source>Acknowledge…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="62"/>
        <source>Raise work order…</source>
        <translation>生成工单…</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="64"/>
        <source>Mute sound</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="75"/>
        <source>Active</source>
        <translation>当前告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="78"/>
        <source>Last 24 hours</source>
        <translation>最近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="78"/>
        <source>Last 7 days</source>
        <translation>最近7天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="78"/>
        <source>Last 30 days</source>
        <translation>最近30天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="81"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="85"/>
        <source>Pile code</source>
        <translation>桩编号</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="86"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="94"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="109"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="109"/>
        <source>Raised</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="109"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="109"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="110"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="110"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="110"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="130"/>
        <source>%1 active, %2 waiting for acknowledgement</source>
        <translation>当前 %1 条，待确认 %2 条</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="136"/>
        <source>active</source>
        <translation>未恢复</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="136"/>
        <source>cleared %1</source>
        <translation>%1 已恢复</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="174"/>
        <source>port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="178"/>
        <source>Critical alarm</source>
        <translation>紧急告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="189"/>
        <source>Acknowledge alarm</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="190"/>
        <source>Comment (what was done):</source>
        <translation>处理说明：</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_view.py" line="194"/>
        <source>Not acknowledged</source>
        <translation>未能确认</translation>
    </message>
</context>
<context>
    <name>AmountDialog</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="100"/>
        <source>Amount (¥)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="104"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="108"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="125"/>
        <source>At most %1</source>
        <translation>最多 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="128"/>
        <source>A reason is needed.</source>
        <translation>必须填写原因。</translation>
    </message>
</context>
<context>
    <name>ApproveDialog</name>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="194"/>
        <source>(no BootNotification yet)</source>
        <translation>（尚未发送 BootNotification）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="195"/>
        <source>%1 asks to connect: %2, firmware %3. Approving makes it a car pile of the community below and gives it a key.</source>
        <translation>%1 请求接入：%2，固件 %3。批准后它将成为下面所选小区的汽车充电桩，并生成接入密钥。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="198"/>
        <source>Approve charge point</source>
        <translation>批准充电桩接入</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="207"/>
        <source>Approving …</source>
        <translation>正在批准…</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="100"/>
        <source>Assign %1</source>
        <translation>派单 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="104"/>
        <source>Technician</source>
        <translation>运维人员</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="105"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="111"/>
        <source>%1 (%2) — %3 open</source>
        <translation>%1（%2）— 在办 %3</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="115"/>
        <source>No account has the maintenance role yet.</source>
        <translation>还没有任何账号拥有运维人员角色。</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../../widgets/admin_views.py" line="165"/>
        <source>Last 24 hours</source>
        <translation>最近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="165"/>
        <source>Last 7 days</source>
        <translation>最近7天</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="166"/>
        <source>Last 30 days</source>
        <translation>最近30天</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="166"/>
        <source>Last year</source>
        <translation>最近一年</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="169"/>
        <location filename="../../widgets/admin_views.py" line="180"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="171"/>
        <source>Action, e.g. wallet.</source>
        <translation>操作，如 wallet.</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="173"/>
        <source>Object id</source>
        <translation>对象编号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="174"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="175"/>
        <source>Export CSV…</source>
        <translation>导出CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="176"/>
        <source>Verify chain</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="180"/>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="180"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="180"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="181"/>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="181"/>
        <source>Before</source>
        <translation>修改前</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="181"/>
        <source>After</source>
        <translation>修改后</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="212"/>
        <source>%1 records</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="218"/>
        <source>Export audit trail</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="232"/>
        <source>%1 records exported.</source>
        <translation>已导出 %1 条记录。</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="242"/>
        <source>The audit chain is intact: %1 records.</source>
        <translation>审计链完整：共 %1 条。</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="246"/>
        <source>Audit chain broken</source>
        <translation>审计链被破坏</translation>
    </message>
    <message>
        <location filename="../../widgets/admin_views.py" line="247"/>
        <source>The audit chain is BROKEN: %1 problems.</source>
        <translation>审计链被破坏：%1 处问题。</translation>
    </message>
</context>
<context>
    <name>BlacklistPushDialog</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="373"/>
        <source>Card blacklist on the piles</source>
        <translation>充电桩上的卡黑名单</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="376"/>
        <source>Loading …</source>
        <translation>正在读取 …</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="385"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="385"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="385"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="385"/>
        <source>Link</source>
        <translation>通信</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="385"/>
        <source>Version on pile</source>
        <translation>桩内版本</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="386"/>
        <source>Cards confirmed</source>
        <translation>已确认卡数</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="386"/>
        <source>Last seen</source>
        <translation>最近通信</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="386"/>
        <source>Last pushed</source>
        <translation>最近下发</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="386"/>
        <source>Problem / action</source>
        <translation>问题 / 操作</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="397"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="405"/>
        <source>Current</source>
        <translation>已是最新</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="405"/>
        <source>Being pushed</source>
        <translation>正在下发</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="406"/>
        <source>Offline: gets it when back</source>
        <translation>离线：恢复后自动下发</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="406"/>
        <source>Push failed</source>
        <translation>下发失败</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="407"/>
        <source>No blacklist on this model</source>
        <translation>该型号不支持黑名单</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="408"/>
        <source>No local list: checks each card online</source>
        <translation>无本地名单：每次刷卡在线核验</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="423"/>
        <source>Cards on the list (%1), newest first: %2</source>
        <translation>名单上的卡（%1 张，最新在前）：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="426"/>
        <source>Not on the piles (their table holds %1): %2</source>
        <translation>未下发到桩（桩内最多 %1 张）：%2</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="438"/>
        <source>%1 (car)</source>
        <translation>%1（汽车桩）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="440"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="440"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="459"/>
        <source>Push now</source>
        <translation>立即下发</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="462"/>
        <source>No engine in this window: the engine pushes the list by itself.</source>
        <translation>此窗口未连接通信引擎：引擎会自动下发名单。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="481"/>
        <source>%1: pushing the blacklist …</source>
        <translation>%1：正在下发黑名单 …</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="495"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="495"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>CardDeskView</name>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="85"/>
        <source>Card reader: looking…</source>
        <translation>读卡器：查找中…</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="87"/>
        <source>Card number, name or phone</source>
        <translation>卡号、姓名或电话</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="96"/>
        <location filename="../../widgets/card_desk_view.py" line="330"/>
        <source>Place a card on the reader</source>
        <translation>请把卡放在读卡器上</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="109"/>
        <source>Read card</source>
        <translation>读卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="109"/>
        <source>Issue</source>
        <translation>发卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="109"/>
        <location filename="../../widgets/card_desk_view.py" line="360"/>
        <source>Top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="110"/>
        <location filename="../../widgets/card_desk_view.py" line="261"/>
        <location filename="../../widgets/card_desk_view.py" line="371"/>
        <source>Monthly</source>
        <translation>包月</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="110"/>
        <source>Un-grey</source>
        <translation>解灰</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="110"/>
        <source>Return card</source>
        <translation>退卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="111"/>
        <location filename="../../widgets/card_desk_view.py" line="422"/>
        <source>Report loss</source>
        <translation>挂失</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="111"/>
        <source>Replace</source>
        <translation>补卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="111"/>
        <location filename="../../widgets/card_desk_view.py" line="439"/>
        <source>Undo loss report</source>
        <translation>解挂</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="112"/>
        <location filename="../../widgets/card_desk_view.py" line="146"/>
        <source>Receipt</source>
        <translation>收据</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="130"/>
        <source>Blacklist on the piles…</source>
        <translation>桩上黑名单…</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="145"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="145"/>
        <location filename="../../widgets/card_desk_view.py" line="148"/>
        <location filename="../../widgets/card_desk_view.py" line="151"/>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="145"/>
        <source>Operation</source>
        <translation>业务</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="145"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="146"/>
        <source>Balance after</source>
        <translation>办理后余额</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="146"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="147"/>
        <source>Clerk</source>
        <translation>经办人</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="147"/>
        <location filename="../../widgets/card_desk_view.py" line="151"/>
        <location filename="../../widgets/card_desk_view.py" line="281"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="148"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="148"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="148"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="149"/>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="149"/>
        <source>Energy (kWh)</source>
        <translation>电量（kWh）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="149"/>
        <source>Paid</source>
        <translation>扣费</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="150"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="150"/>
        <source>Stop reason</source>
        <translation>结束原因</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="151"/>
        <source>Holder</source>
        <translation>持卡人</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="151"/>
        <location filename="../../widgets/card_desk_view.py" line="281"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="152"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="152"/>
        <location filename="../../widgets/card_desk_view.py" line="281"/>
        <source>Deposit</source>
        <translation>押金</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="153"/>
        <source>Operations</source>
        <translation>业务记录</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="154"/>
        <source>Charging records</source>
        <translation>充电记录</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="155"/>
        <source>Search results</source>
        <translation>查询结果</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="336"/>
        <source>Card reader: %1</source>
        <translation>读卡器：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="336"/>
        <source>No card reader: %1</source>
        <translation>没有读卡器：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="360"/>
        <source>Top up card %1 (%2)</source>
        <translation>给卡 %1（%2）充值</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="371"/>
        <source>Months</source>
        <translation>月数</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="374"/>
        <source>Monthly fee</source>
        <translation>包月费</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="374"/>
        <source>Monthly card %1 for %2 months</source>
        <translation>卡 %1 包月 %2 个月</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="390"/>
        <source>Pile %1 port %2, %3 held</source>
        <translation>充电桩 %1 端口 %2，预扣 %3</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="394"/>
        <source>From the pile&apos;s record: charged %1, %2 back</source>
        <translation>按充电桩记录：扣费 %1，退回 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="412"/>
        <source>Return card %1: pay back %2 (balance %3 + deposit %4) in cash?</source>
        <translation>退卡 %1：以现金退还 %2（余额 %3 + 押金 %4）？</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="422"/>
        <source>Card %1 is lost. Reason / note:</source>
        <translation>卡 %1 挂失。原因 / 备注：</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="424"/>
        <source>Blacklist card %1 now?</source>
        <translation>现在把卡 %1 列入黑名单？</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="427"/>
        <source>Card %1 blacklisted (%2 cards on the blacklist)</source>
        <translation>卡 %1 已列入黑名单（黑名单共 %2 张卡）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="440"/>
        <source>Card %1 was found. Reason (required):</source>
        <translation>卡 %1 已找回。原因（必填）：</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="446"/>
        <source>Undoing a loss report needs a reason.</source>
        <translation>解挂必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="448"/>
        <source>Undo the loss report of card %1 (reason: %2)? The card works again and comes off the piles&apos; blacklist.</source>
        <translation>解除卡 %1 的挂失（原因：%2）？该卡恢复可用，并从充电桩黑名单中移除。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="455"/>
        <source>Loss report of card %1 undone: the card works again (%2 cards left on the blacklist).</source>
        <translation>卡 %1 已解挂，恢复可用（黑名单剩余 %2 张卡）。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="510"/>
        <source>Find the lost card first (search box), then put a blank card on the reader.</source>
        <translation>请先查到挂失的卡（查询框），再把空白卡放到读卡器上。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="512"/>
        <source>Make this blank card the replacement of lost card %1, with its balance?</source>
        <translation>用这张空白卡补办挂失的卡 %1，并转入其余额？</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="580"/>
        <source>Cards %1 · money in %2 · paid back %3 · %4 charging records</source>
        <translation>卡 %1 · 收入 %2 · 退还 %3 · 充电记录 %4 条</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="272"/>
        <source>Blank card</source>
        <translation>空白卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="175"/>
        <source>Create the card master key (first desk)</source>
        <translation>生成 IC 卡主密钥（第一台发卡台）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="176"/>
        <source>Import the master key from another desk…</source>
        <translation>从其他发卡台导入主密钥…</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="190"/>
        <source>No card master key in this computer&apos;s keyring: create it at the first desk, or import it from a desk that has it.</source>
        <translation>本机密钥环中没有 IC 卡主密钥：请在第一台发卡台生成，或从已有主密钥的发卡台导入。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="196"/>
        <source>Card master key ready (kept in the OS keyring only).</source>
        <translation>IC 卡主密钥已就绪（只保存在系统密钥环中）。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="200"/>
        <source>Create a new card master key? Only for the first desk: every desk and pile of this operator must then use the same key.</source>
        <translation>生成新的 IC 卡主密钥？只在第一台发卡台这样做：本运营商的所有发卡台和充电桩都必须使用同一个密钥。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="209"/>
        <source>Import the master key</source>
        <translation>导入主密钥</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="209"/>
        <source>Master key (32 hex digits):</source>
        <translation>主密钥（32 位十六进制）：</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="274"/>
        <source>UID %1 — ready to issue</source>
        <translation>UID %1 — 可以发卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="277"/>
        <source>Card %1</source>
        <translation>卡 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="280"/>
        <source>(not registered here)</source>
        <translation>（本系统未登记）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="261"/>
        <source>Stored value</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="261"/>
        <source>Free</source>
        <translation>免费卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="262"/>
        <source>Staff</source>
        <translation>员工卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="265"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="265"/>
        <source>Reported lost — refuse</source>
        <translation>已挂失 — 拒绝受理</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="266"/>
        <source>Returned</source>
        <translation>已退卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="266"/>
        <source>Replaced — refuse</source>
        <translation>已补卡作废 — 拒绝受理</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="267"/>
        <source>Not in this database</source>
        <translation>本系统未登记</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="281"/>
        <source>Monthly until</source>
        <translation>包月到期</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="287"/>
        <source>GREY-LOCKED by pile %1 port %2 since %3, %4 held</source>
        <translation>灰锁：充电桩 %1 端口 %2，自 %3 起，预扣 %4</translation>
    </message>
    <message>
        <location filename="../../widgets/card_desk_view.py" line="292"/>
        <source>Grey lock record damaged: un-grey by hand</source>
        <translation>灰锁记录损坏：请人工解灰</translation>
    </message>
</context>
<context>
    <name>CardDialogs</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="55"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="56"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="57"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="58"/>
        <source>Bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="70"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="71"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="77"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="79"/>
        <source>Yes, do it</source>
        <translation>确认办理</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="80"/>
        <source>No</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="345"/>
        <source>Pile blacklist: no card is reported lost.</source>
        <translation>充电桩黑名单：没有挂失的卡。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="348"/>
        <source>Pile blacklist version %1 (%2 cards): no pile here keeps a blacklist.</source>
        <translation>充电桩黑名单第 %1 版（%2 张卡）：这里没有支持黑名单的充电桩。</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../widgets/login_dialog.py" line="66"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="67"/>
        <source>Account %1</source>
        <translation>账号 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="69"/>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="70"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="71"/>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="75"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="79"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>ChargePointsView</name>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="268"/>
        <source>Only waiting for approval</source>
        <translation>只看待审批</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="270"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="277"/>
        <source>Approve…</source>
        <translation>批准接入…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="278"/>
        <source>Reject…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="279"/>
        <source>Register…</source>
        <translation>登记新桩…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="280"/>
        <source>New key…</source>
        <translation>更换密钥…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="281"/>
        <source>OCPP console…</source>
        <translation>OCPP 控制台…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="287"/>
        <source>Identity</source>
        <translation>桩标识</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="287"/>
        <source>Registration</source>
        <translation>接入状态</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="287"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="288"/>
        <source>Pile</source>
        <translation>桩编号</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="288"/>
        <source>Security</source>
        <translation>安全等级</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="288"/>
        <source>Vendor</source>
        <translation>厂商</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="288"/>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="289"/>
        <source>Firmware</source>
        <translation>固件</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="289"/>
        <source>Last boot</source>
        <translation>最近启动</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="289"/>
        <source>Last seen</source>
        <translation>最近通信</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="290"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/charge_points_view.py" line="332"/>
        <source>⚠ %n charge point(s) waiting for approval — click to list them</source>
        <translation>
            <numerusform>⚠ 有 %n 台充电桩等待接入审批 — 点击查看</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/charge_points_view.py" line="334"/>
        <source>⚠ %n charge point(s) waiting for approval by a facility administrator</source>
        <translation>
            <numerusform>⚠ 有 %n 台充电桩等待设施管理员审批接入</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="374"/>
        <source>waiting for approval</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="374"/>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="375"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="376"/>
        <source>0 · no password</source>
        <translation>0 · 无密码</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="376"/>
        <source>1 · password</source>
        <translation>1 · 密码认证</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="376"/>
        <source>2 · password + TLS</source>
        <translation>2 · 密码 + TLS</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="377"/>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="377"/>
        <source>connected, accepted</source>
        <translation>已连接，已接受</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="378"/>
        <source>connected, held for approval</source>
        <translation>已连接，等待审批</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="378"/>
        <source>refused</source>
        <translation>已拒绝连接</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="379"/>
        <source>wrong key</source>
        <translation>密钥错误</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="379"/>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="404"/>
        <source>%1 charge points, %2 waiting for approval.</source>
        <translation>共 %1 台充电桩，%2 台待审批。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="447"/>
        <source>Accept %1 again? It keeps its pile, its history and its key, and is accepted the next time it connects.</source>
        <translation>重新接受 %1？它保留原有的充电桩、历史记录和密钥，下次连接时即被接受。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="449"/>
        <source>Accept charge point again</source>
        <translation>重新接受充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="456"/>
        <source>%1 approved: it is accepted when it connects with its new key.</source>
        <translation>已批准 %1：它用新密钥重新连接后即被接受。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="465"/>
        <source>%1 registered.</source>
        <translation>已登记 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="474"/>
        <source>Reject %1? It is refused whenever it connects, until it is approved again.</source>
        <translation>拒绝 %1？此后它每次连接都会被拒绝，直到再次批准。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="476"/>
        <source>Reject charge point</source>
        <translation>拒绝充电桩接入</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="484"/>
        <source>%1 rejected.</source>
        <translation>已拒绝 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="493"/>
        <source>%1 accepted again: it is let in the next time it connects.</source>
        <translation>已重新接受 %1：下次连接时即可接入。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="503"/>
        <source>Give %1 a new key? Its old key stops working at once: the charge point is refused until the new key is configured on it.</source>
        <translation>为 %1 更换密钥？旧密钥立即失效：在桩上配置新密钥之前，它的连接都会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="505"/>
        <source>New key</source>
        <translation>更换密钥</translation>
    </message>
</context>
<context>
    <name>ConfigDialog</name>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="153"/>
        <source>Coin value (yuan)</source>
        <translation>每枚投币金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="154"/>
        <source>Card swipe buys (yuan)</source>
        <translation>每次刷卡金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="155"/>
        <source>Port overload limit (W)</source>
        <translation>单口过载功率（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="156"/>
        <source>Pile power limit (W)</source>
        <translation>整桩功率上限（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="157"/>
        <source>Power tier 1: up to W / minutes per yuan</source>
        <translation>功率档1：上限W / 每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="158"/>
        <source>Power tier 2: up to W / minutes per yuan</source>
        <translation>功率档2：上限W / 每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="159"/>
        <source>Power tier 3: up to W / minutes per yuan</source>
        <translation>功率档3：上限W / 每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="160"/>
        <source>Power tier 4: up to W / minutes per yuan</source>
        <translation>功率档4：上限W / 每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="161"/>
        <source>Power tier 5: up to W / minutes per yuan</source>
        <translation>功率档5：上限W / 每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="162"/>
        <source>Full when power ≤ (W)</source>
        <translation>充满判定功率 ≤（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="163"/>
        <source>… for (minutes)</source>
        <translation>…持续（分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="164"/>
        <source>Unplugged when power ≤ (W)</source>
        <translation>拔出判定功率 ≤（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="165"/>
        <source>Longest session (minutes)</source>
        <translation>单次最长充电（分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="166"/>
        <source>Free start grants (minutes)</source>
        <translation>免费模式每次时长（分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="167"/>
        <source>Over-temperature (0.1 °C)</source>
        <translation>过温阈值（0.1 °C）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="168"/>
        <source>Smoke alarm threshold</source>
        <translation>烟雾报警阈值</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="169"/>
        <source>Night cut-off from (min after 0:00)</source>
        <translation>夜间断电开始（0点后分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="170"/>
        <source>Night cut-off until (min after 0:00)</source>
        <translation>夜间断电结束（0点后分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="171"/>
        <source>Free-charging mode</source>
        <translation>免费充电模式</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="172"/>
        <source>Accept monthly cards</source>
        <translation>允许包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="173"/>
        <source>Refund unused time on a second swipe</source>
        <translation>再次刷卡退还剩余费用</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="174"/>
        <source>Night cut-off enabled</source>
        <translation>启用夜间断电</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="175"/>
        <source>Smoke detector fitted</source>
        <translation>已装烟感</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="176"/>
        <source>Resume after power failure</source>
        <translation>断电记忆续充</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="208"/>
        <source>Configuration of %1</source>
        <translation>%1 的参数配置</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="211"/>
        <source>Setting</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="211"/>
        <source>Pile reports</source>
        <translation>桩上当前值</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="211"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="231"/>
        <source>Write to pile</source>
        <translation>写入充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="271"/>
        <source>Not a valid value: %1</source>
        <translation>数值无效：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="273"/>
        <source>%1 settings will change.</source>
        <translation>将修改 %1 项参数。</translation>
    </message>
</context>
<context>
    <name>ConfigPushDialog</name>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="63"/>
        <location filename="../../widgets/config_push_dialog.py" line="231"/>
        <source>Push configuration</source>
        <translation>参数下发</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="65"/>
        <source>Coin value (yuan)</source>
        <translation>每枚投币金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="65"/>
        <source>Card swipe amount (yuan)</source>
        <translation>每次刷卡金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="66"/>
        <source>Port overload limit (W)</source>
        <translation>端口过载功率（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="66"/>
        <source>Pile power limit (W)</source>
        <translation>整桩功率上限（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="67"/>
        <source>Full: power at or below (W)</source>
        <translation>充满判定：功率不高于（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="67"/>
        <source>Full: for (min)</source>
        <translation>充满判定：持续（分）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="68"/>
        <source>Night cut-off</source>
        <translation>夜间断电</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="68"/>
        <source>Night cut-off from</source>
        <translation>夜间断电开始</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="69"/>
        <source>Night cut-off until</source>
        <translation>夜间断电结束</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="69"/>
        <source>Over-temperature (°C)</source>
        <translation>过温保护温度（°C）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="70"/>
        <source>Smoke detector enforced</source>
        <translation>启用烟雾探测</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="70"/>
        <source>Smoke threshold</source>
        <translation>烟雾报警阈值</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="71"/>
        <source>Longest session (min)</source>
        <translation>单次最长充电（分）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="71"/>
        <source>Free charging</source>
        <translation>免费充电</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="72"/>
        <source>Free charging time (min)</source>
        <translation>免费充电时长（分）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="72"/>
        <source>Monthly cards accepted</source>
        <translation>接受包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="73"/>
        <source>Refund on second swipe</source>
        <translation>再次刷卡退费</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="74"/>
        <source>Resume after power failure</source>
        <translation>断电记忆续充</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="75"/>
        <source>Unplugged: power at or below (W)</source>
        <translation>拔插判定：功率不高于（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="78"/>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="78"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="92"/>
        <source>Compare with the piles</source>
        <translation>与充电桩比对</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="93"/>
        <source>Push…</source>
        <translation>下发…</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="95"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="97"/>
        <location filename="../../widgets/config_push_dialog.py" line="253"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="97"/>
        <source>Setting</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="97"/>
        <source>On the pile now</source>
        <translation>桩上当前值</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="98"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="101"/>
        <source>Choose piles and the settings to change, then compare.</source>
        <translation>选择充电桩和要修改的参数，然后比对。</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="126"/>
        <location filename="../../widgets/config_push_dialog.py" line="174"/>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="174"/>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="188"/>
        <source>Reading %1 piles …</source>
        <translation>正在读取 %1 台充电桩…</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="202"/>
        <source>cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="204"/>
        <location filename="../../widgets/config_push_dialog.py" line="250"/>
        <source>already set</source>
        <translation>已是该设置</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="210"/>
        <source>Push to %1 piles…</source>
        <translation>下发到 %1 台充电桩…</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="213"/>
        <source>%1 piles will change, %2 already set, %3 cannot be read.</source>
        <translation>%1 台将修改，%2 台已是该设置，%3 台无法读取。</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="232"/>
        <source>Write the new settings to %1 piles? Each pile is read back to confirm.</source>
        <translation>将新参数写入 %1 台充电桩？每台写入后回读确认。</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="243"/>
        <source>Writing …</source>
        <translation>正在写入…</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="250"/>
        <source>written and read back</source>
        <translation>已写入并回读确认</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="251"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="251"/>
        <source>not written</source>
        <translation>未写入</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="253"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="253"/>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../widgets/config_push_dialog.py" line="257"/>
        <source>%1 piles written, %2 not: see each pile.</source>
        <translation>%1 台已写入，%2 台未写入：详见各桩结果。</translation>
    </message>
</context>
<context>
    <name>DiagnosisDialog</name>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="26"/>
        <source>Remote diagnosis of %1</source>
        <translation>%1 远程诊断</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="27"/>
        <source>Read %1</source>
        <translation>读取时间 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="28"/>
        <source>recorded in %1</source>
        <translation>已记入 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="33"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="33"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="33"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="33"/>
        <source>Last stop</source>
        <translation>上次停止原因</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="47"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="47"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="47"/>
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="55"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="60"/>
        <source>Ports</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/diagnosis_dialog.py" line="62"/>
        <source>Recent events</source>
        <translation>最近事件</translation>
    </message>
</context>
<context>
    <name>FirmwareDialog</name>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="45"/>
        <location filename="../../widgets/firmware_dialog.py" line="115"/>
        <location filename="../../widgets/firmware_dialog.py" line="202"/>
        <source>Firmware upgrade</source>
        <translation>固件升级</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="52"/>
        <source>Image file…</source>
        <translation>固件文件…</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="53"/>
        <source>No image chosen.</source>
        <translation>尚未选择固件。</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="57"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="57"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="57"/>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="58"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="61"/>
        <source>Start upgrade…</source>
        <translation>开始升级…</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="63"/>
        <source>Cancel selected pile</source>
        <translation>取消所选充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="64"/>
        <source>Cancel all</source>
        <translation>全部取消</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="67"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="92"/>
        <source>Firmware image</source>
        <translation>固件文件</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="93"/>
        <source>Firmware images (*.cdfw);;All files (*)</source>
        <translation>固件文件 (*.cdfw);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="104"/>
        <source>&lt;b&gt;%1 %2&lt;/b&gt; · %3 bytes · CRC-32 %4</source>
        <translation>&lt;b&gt;%1 %2&lt;/b&gt; · %3 字节 · CRC-32 %4</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="113"/>
        <source>Choose an image and at least one pile.</source>
        <translation>请选择固件和至少一台充电桩。</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="116"/>
        <source>Upgrade %1 piles to %2? Each pile reboots when its image is in place (only while no port is charging) and is rolled back if it does not come back healthy.</source>
        <translation>将 %1 台充电桩升级到 %2？固件传输校验完成后充电桩会重启（仅在没有端口充电时），如未能正常启动将自动回滚。</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="135"/>
        <source>waiting</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="161"/>
        <source>sending</source>
        <translation>传输中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="161"/>
        <source>verifying</source>
        <translation>校验中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="161"/>
        <source>activating</source>
        <translation>激活中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="162"/>
        <source>rebooting</source>
        <translation>重启中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="162"/>
        <source>confirming</source>
        <translation>确认中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="162"/>
        <source>rolling back</source>
        <translation>回滚中</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="163"/>
        <source>finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="172"/>
        <source> (transfer %1)</source>
        <translation>（第 %1 次传输）</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="177"/>
        <source>upgraded</source>
        <translation>升级成功</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="177"/>
        <source>already on this version</source>
        <translation>已是该版本</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="178"/>
        <source>ROLLED BACK</source>
        <translation>已回滚</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="178"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="179"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../widgets/firmware_dialog.py" line="203"/>
        <source>Upgrades are still running. Cancel them and close?</source>
        <translation>升级仍在进行。取消升级并关闭？</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../widgets/login_dialog.py" line="46"/>
        <source>ChargeDesk — first start</source>
        <translation>ChargeDesk — 首次启动</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="47"/>
        <source>No account exists yet. Create the operator&apos;s base account: it can do everything and creates the other accounts with their roles.</source>
        <translation>尚无任何账号。请创建运营商基础账号：它拥有全部权限，并可为其他人员创建账号和分配角色。</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="50"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="51"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="52"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="53"/>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="57"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="61"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>InboxButton</name>
    <message>
        <location filename="../../widgets/notify_views.py" line="169"/>
        <source>✉ %1 new</source>
        <translation>✉ %1 条新消息</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="169"/>
        <source>✉ messages</source>
        <translation>✉ 消息</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="185"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="187"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="187"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="187"/>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="207"/>
        <source>Double-click a message to open its work order.</source>
        <translation>双击消息打开对应工单。</translation>
    </message>
</context>
<context>
    <name>IssueDialog</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="142"/>
        <source>Issue a card</source>
        <translation>发卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="146"/>
        <source>Name, phone or room</source>
        <translation>姓名、电话或房号</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="148"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="151"/>
        <source>Stored value</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="151"/>
        <source>Monthly</source>
        <translation>包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="152"/>
        <source>Free</source>
        <translation>免费卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="152"/>
        <source>Staff</source>
        <translation>员工卡</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="154"/>
        <source>Card type</source>
        <translation>卡类型</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="160"/>
        <source>Deposit (¥)</source>
        <translation>押金（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="161"/>
        <source>First top-up (¥)</source>
        <translation>首次充值（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="162"/>
        <source>Monthly until</source>
        <translation>包月到期日</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="163"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="194"/>
        <source>Choose the user.</source>
        <translation>请选择用户。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="204"/>
        <source>Issue a %1 card to %2: deposit %3, top-up %4, total %5 (%6)?</source>
        <translation>给 %2 发一张%1：押金 %3，充值 %4，共收 %5（%6）？</translation>
    </message>
</context>
<context>
    <name>KeyOnceDialog</name>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="101"/>
        <source>New key of %1</source>
        <translation>%1 的新密钥</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="102"/>
        <source>Configure this key on the charge point now (its Basic-auth password / AuthorizationKey). It will NOT be shown again: ChargeDesk keeps only a hash of it. Until the charge point uses it, it is refused.</source>
        <translation>请立即把此密钥配置到充电桩上（Basic 认证密码 / AuthorizationKey）。密钥不会再次显示：ChargeDesk 只保存它的哈希值。充电桩使用新密钥之前，其连接会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="115"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="120"/>
        <source>A copy is kept in this computer&apos;s keyring.</source>
        <translation>本机系统密钥环中保存了一份副本。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="121"/>
        <source>This computer has no keyring: the key is not kept anywhere but on the charge point.</source>
        <translation>本机没有系统密钥环：除充电桩本身外，密钥不保存在任何地方。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="136"/>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../widgets/messages.py" line="12"/>
        <source>en</source>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../widgets/login_dialog.py" line="25"/>
        <source>ChargeDesk — sign in</source>
        <translation>ChargeDesk — 登录</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="25"/>
        <source>ChargeDesk — locked</source>
        <translation>ChargeDesk — 已锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="26"/>
        <source>Sign in with your ChargeDesk account.</source>
        <translation>请使用您的 ChargeDesk 账号登录。</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="27"/>
        <source>The console was locked after a time without use. Enter your password to continue.</source>
        <translation>长时间未操作，控制台已锁定。请输入密码继续。</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="31"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="33"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../widgets/login_dialog.py" line="39"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../widgets/main_window.py" line="77"/>
        <source>ChargeDesk — community charging console</source>
        <translation>ChargeDesk 小区充电运营台</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="85"/>
        <source>Communities</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="101"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="102"/>
        <source>Monitor</source>
        <translation>监控</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="103"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="106"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="154"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="158"/>
        <source>Accounts</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="162"/>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="212"/>
        <source>Account: %1</source>
        <translation>账号：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="213"/>
        <source>Change password…</source>
        <translation>修改密码…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="215"/>
        <source>Lock now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="218"/>
        <source>demo (simulated community)</source>
        <translation>演示（模拟小区）</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="229"/>
        <source>The map is not available: %1</source>
        <translation>地图不可用：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="236"/>
        <source>Cloud: not connected</source>
        <translation>云平台：未连接</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="247"/>
        <source>Engine: running</source>
        <translation>引擎：运行中</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="247"/>
        <source>Engine: no lines</source>
        <translation>引擎：无通信线路</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="248"/>
        <source>RS-485 %1/%2 up · TCP %3 · %4 polls/s · worst error rate %5</source>
        <translation>RS-485 %1/%2 正常 · TCP %3 · %4 次轮询/秒 · 最高误码率 %5</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="252"/>
        <source>Piles online %1 / %2</source>
        <translation>在线桩 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="256"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="259"/>
        <source>Database: ERROR %1 (%2 rows waiting)</source>
        <translation>数据库错误：%1（%2 条待写入）</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="307"/>
        <source>%1: sending %2 …</source>
        <translation>%1：正在发送“%2”…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="311"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="311"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="327"/>
        <source>start port</source>
        <translation>启动端口</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="327"/>
        <source>stop port</source>
        <translation>停止端口</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="328"/>
        <source>sync clock</source>
        <translation>校时</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="328"/>
        <source>reboot</source>
        <translation>重启</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="329"/>
        <source>clear fault</source>
        <translation>清除故障</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="329"/>
        <source>read configuration</source>
        <translation>读取参数</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="330"/>
        <source>write configuration</source>
        <translation>写入参数</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="330"/>
        <source>remote start</source>
        <translation>远程启动</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="331"/>
        <source>remote stop</source>
        <translation>远程停止</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="331"/>
        <source>charging limit</source>
        <translation>充电限流</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="332"/>
        <source>clear charging limits</source>
        <translation>清除限流</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="333"/>
        <source>composite schedule</source>
        <translation>合成功率计划</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="334"/>
        <source>change setting</source>
        <translation>修改参数</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="335"/>
        <source>read settings</source>
        <translation>读取参数</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="335"/>
        <source>reset</source>
        <translation>重启</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="336"/>
        <source>unlock connector</source>
        <translation>解锁充电枪</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="336"/>
        <source>availability</source>
        <translation>可用状态</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="337"/>
        <source>update firmware</source>
        <translation>固件升级</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="337"/>
        <source>get diagnostics</source>
        <translation>获取诊断日志</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="338"/>
        <source>reserve</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="338"/>
        <source>cancel reservation</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="339"/>
        <source>send local list</source>
        <translation>下发本地白名单</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="339"/>
        <source>local list version</source>
        <translation>本地白名单版本</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="340"/>
        <source>trigger message</source>
        <translation>触发上报</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="374"/>
        <source>%1 port %2 for %3, %4 from the wallet</source>
        <translation>%1 %2 号口，%3 钱包支付 %4</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="376"/>
        <source>Starting %1 …</source>
        <translation>正在启动：%1 …</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="385"/>
        <source>Started: %1</source>
        <translation>已启动：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="387"/>
        <source>Not started (nothing is charged): %1 — %2</source>
        <translation>未能启动（不扣费）：%1 — %2</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="399"/>
        <source>Reboot pile</source>
        <translation>重启充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="400"/>
        <source>Reboot %1? Charging sessions resume after the restart if the pile has power-failure memory on.</source>
        <translation>确定重启 %1？若开启断电记忆，重启后充电将继续。</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="416"/>
        <source>OCPP</source>
        <translation>OCPP</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="416"/>
        <source>%1 is not an OCPP charge point</source>
        <translation>%1 不是 OCPP 充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="443"/>
        <source>Configuration</source>
        <translation>参数配置</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="141"/>
        <source>Card desk</source>
        <translation>发卡台</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="532"/>
        <source>Charge points (%1 waiting for approval)…</source>
        <translation>车桩接入（%1 台待审批）…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="534"/>
        <source>Charge points…</source>
        <translation>车桩接入…</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="538"/>
        <source>⚑ %1 charge point(s) waiting for approval</source>
        <translation>⚑ %1 台车桩待接入审批</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="550"/>
        <source>Charge points</source>
        <translation>车桩接入</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="559"/>
        <location filename="../../widgets/maintenance.py" line="84"/>
        <source>Maintenance</source>
        <translation>运维</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="76"/>
        <source>Push configuration…</source>
        <translation>参数下发…</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="78"/>
        <source>Firmware upgrade…</source>
        <translation>固件升级…</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="80"/>
        <source>Notification settings…</source>
        <translation>通知设置…</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="82"/>
        <source>Notification outbox…</source>
        <translation>通知发件箱…</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="102"/>
        <source>Work orders</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../widgets/maintenance.py" line="152"/>
        <source>Diagnosing %1 …</source>
        <translation>正在诊断 %1…</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="185"/>
        <source>Transactions</source>
        <translation>交易明细</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="185"/>
        <source>Statistics</source>
        <translation>统计分析</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="190"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="194"/>
        <source>Tariffs</source>
        <translation>资费管理</translation>
    </message>
    <message>
        <location filename="../../widgets/main_window.py" line="105"/>
        <source>Ordered charging</source>
        <translation>有序充电</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../widgets/map_view.py" line="98"/>
        <source>Search piles by name or code</source>
        <translation>按名称或编号搜索充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="100"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="103"/>
        <source>Near a point</source>
        <translation>附近查找</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="104"/>
        <source>Click a point on the map to list the piles within the radius</source>
        <translation>在地图上点选一个位置，列出半径内的充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="106"/>
        <source>Edit positions</source>
        <translation>编辑位置</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="107"/>
        <source>Drag piles on the site plan; each move is saved</source>
        <translation>在总平面图上拖动充电桩，每次移动都会保存</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="108"/>
        <source>Clear search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="112"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="112"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="112"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="112"/>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="160"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="160"/>
        <source>Charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="160"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="161"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="164"/>
        <source>charging ports</source>
        <translation>充电端口</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="165"/>
        <source>Not placed yet: drag it onto the plan in edit mode</source>
        <translation>尚未定位：请在编辑模式下拖到图上</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="166"/>
        <source>ports charging</source>
        <translation>端口充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="190"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="190"/>
        <source> m</source>
        <translation> 米</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="243"/>
        <source>All communities</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="363"/>
        <source>Position of {code} saved</source>
        <translation>{code} 的位置已保存</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="372"/>
        <source>Could not save the position of {code}: {error}</source>
        <translation>{code} 的位置保存失败：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="381"/>
        <source>Click a point on the map; piles within the radius are listed by distance</source>
        <translation>请在地图上点选位置；半径内的充电桩按距离列出</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="413"/>
        <source>px</source>
        <translation>像素</translation>
    </message>
    <message>
        <location filename="../../widgets/map_view.py" line="413"/>
        <source>m</source>
        <translation>米</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/map_view.py" line="425"/>
        <source>%n pile(s) found</source>
        <translation>
            <numerusform>找到 %n 台充电桩</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageTableModel</name>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="46"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="46"/>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="46"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="46"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="46"/>
        <source>Message</source>
        <translation>报文</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="72"/>
        <source>→ charge point</source>
        <translation>→ 充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="72"/>
        <source>← charge point</source>
        <translation>← 充电桩</translation>
    </message>
</context>
<context>
    <name>MonitorView</name>
    <message>
        <location filename="../../widgets/monitor_view.py" line="34"/>
        <source>Filter ports: pile, state, fault, payment…</source>
        <translation>筛选端口：桩号、状态、故障、支付方式…</translation>
    </message>
</context>
<context>
    <name>NotifySettingsDialog</name>
    <message>
        <location filename="../../widgets/notify_views.py" line="38"/>
        <source>Notifications</source>
        <translation>通知设置</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="39"/>
        <source>Critical faults go by SMS to the person on duty; smoke and over-temperature alarms go to the fire-safety IoT platform. Messages wait in the outbox until they are delivered.</source>
        <translation>紧急故障以短信通知值班人员；烟雾、过温告警转发到消防物联网平台。消息在发件箱中排队，直到送达。</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="43"/>
        <source>SMS gateway URL</source>
        <translation>短信网关地址</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="44"/>
        <source>SMS gateway token</source>
        <translation>短信网关令牌</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="45"/>
        <location filename="../../widgets/notify_views.py" line="55"/>
        <source>unchanged (kept in the OS keyring)</source>
        <translation>不修改（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="48"/>
        <source>SMS text</source>
        <translation>短信模板</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="49"/>
        <source>Placeholders: {title} {station} {pile} {port} {time} {detail} {number}</source>
        <translation>可用占位符：{title} {station} {pile} {port} {time} {detail} {number}</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="51"/>
        <source>Duty phones (comma separated)</source>
        <translation>值班电话（逗号分隔）</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="52"/>
        <source>Fire platform webhook URL</source>
        <translation>消防平台推送地址</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="53"/>
        <source>Site id on the fire platform</source>
        <translation>消防平台站点编号</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="54"/>
        <source>Signing key</source>
        <translation>签名密钥</translation>
    </message>
</context>
<context>
    <name>OcppDialog</name>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="86"/>
        <source>OCPP charge point %1</source>
        <translation>OCPP 充电桩 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="89"/>
        <source>Commands</source>
        <translation>远程命令</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="90"/>
        <source>Message log</source>
        <translation>报文日志</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="108"/>
        <source>card number (empty: the console&apos;s own tag)</source>
        <translation>卡号（留空：使用本运营台的标识）</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="112"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="117"/>
        <source>configuration key</source>
        <translation>参数名</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="119"/>
        <source>value</source>
        <translation>参数值</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="121"/>
        <source>file in the engine&apos;s firmware folder</source>
        <translation>引擎固件目录中的文件名</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="128"/>
        <source>The charge point&apos;s answers appear here.</source>
        <translation>充电桩的应答显示在这里。</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="131"/>
        <source>Connector</source>
        <translation>充电枪</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="150"/>
        <source>Charging limit (smart charging)</source>
        <translation>充电限流（智能充电）</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="151"/>
        <source>Limit this connector</source>
        <translation>限流本枪</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="153"/>
        <source>Limit the whole charge point</source>
        <translation>限流整桩</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="155"/>
        <source>Clear limits</source>
        <translation>清除限流</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="156"/>
        <source>Composite schedule</source>
        <translation>合成功率计划</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="157"/>
        <source>Transaction</source>
        <translation>充电交易</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="158"/>
        <source>Remote start</source>
        <translation>远程启动</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="159"/>
        <source>Remote stop</source>
        <translation>远程停止</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="160"/>
        <source>Unlock connector</source>
        <translation>解锁充电枪</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="161"/>
        <source>Availability</source>
        <translation>可用状态</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="162"/>
        <source>Inoperative</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="163"/>
        <source>Operative</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="164"/>
        <source>Soft reset</source>
        <translation>软重启</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="165"/>
        <source>Hard reset</source>
        <translation>硬重启</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="166"/>
        <source>Configuration</source>
        <translation>参数配置</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="167"/>
        <source>Get all</source>
        <translation>全部读取</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="168"/>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="170"/>
        <source>Reservations and local list</source>
        <translation>预约与本地白名单</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="171"/>
        <source>Reserve for the card</source>
        <translation>为该卡预约</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="173"/>
        <source>Cancel reservation</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="175"/>
        <source>Send local list (all cards)</source>
        <translation>下发本地白名单（全部卡）</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="176"/>
        <source>Local list version</source>
        <translation>本地白名单版本</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="177"/>
        <source>Maintenance</source>
        <translation>运维</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="178"/>
        <source>Update firmware</source>
        <translation>固件升级</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="180"/>
        <source>Trigger message</source>
        <translation>触发上报</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="182"/>
        <source>Get diagnostics</source>
        <translation>获取诊断日志</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="194"/>
        <source>sending %1 …</source>
        <translation>正在发送 %1 …</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="198"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="198"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="208"/>
        <source>All actions</source>
        <translation>全部动作</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="214"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="224"/>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="239"/>
        <source>loading …</source>
        <translation>正在加载 …</translation>
    </message>
    <message>
        <location filename="../../widgets/ocpp_dialog.py" line="246"/>
        <source>%1 messages, newest first</source>
        <translation>共 %1 条报文，最新的在前</translation>
    </message>
</context>
<context>
    <name>OrderDetailPanel</name>
    <message>
        <location filename="../../widgets/wo_detail.py" line="60"/>
        <location filename="../../widgets/wo_detail.py" line="113"/>
        <source>Select an order.</source>
        <translation>请选择工单。</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="66"/>
        <source>Assign…</source>
        <translation>派单…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="66"/>
        <source>Take</source>
        <translation>领取</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="66"/>
        <source>Start</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="67"/>
        <source>Repair log…</source>
        <translation>维修记录…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="67"/>
        <source>Resolve…</source>
        <translation>处理完成…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="67"/>
        <source>Verify</source>
        <translation>验收</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="68"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="68"/>
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="68"/>
        <source>Cancel order…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="69"/>
        <source>Note…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="69"/>
        <source>Photo…</source>
        <translation>照片…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="69"/>
        <source>Diagnose</source>
        <translation>远程诊断</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="70"/>
        <source>Print sheet…</source>
        <translation>打印工单…</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="70"/>
        <source>Show pile</source>
        <translation>查看充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="78"/>
        <location filename="../../widgets/wo_detail.py" line="80"/>
        <location filename="../../widgets/wo_detail.py" line="82"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="78"/>
        <location filename="../../widgets/wo_detail.py" line="80"/>
        <location filename="../../widgets/wo_detail.py" line="82"/>
        <source>By</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="78"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="78"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="79"/>
        <location filename="../../widgets/wo_detail.py" line="216"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="80"/>
        <source>Cause</source>
        <translation>故障原因</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="80"/>
        <source>Parts</source>
        <translation>更换部件</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="81"/>
        <source>Minutes</source>
        <translation>用时（分）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="81"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="82"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="82"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="85"/>
        <source>History</source>
        <translation>处理过程</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="86"/>
        <source>Repairs</source>
        <translation>维修记录</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="87"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="98"/>
        <source>What was done</source>
        <translation>处理情况</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="101"/>
        <source>Why is it reopened</source>
        <translation>重新打开的原因</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="102"/>
        <source>Why is it cancelled</source>
        <translation>作废原因</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="120"/>
        <source>OVERDUE</source>
        <translation>已超时</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="127"/>
        <source>Technician: %1 · due %2</source>
        <translation>运维人员：%1 · 期限 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="129"/>
        <source>Raised %1 by %2</source>
        <translation>%1 由 %2 创建</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="134"/>
        <source>Resolution: %1</source>
        <translation>处理结果：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="184"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="216"/>
        <source>Note on %1</source>
        <translation>%1 备注</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="223"/>
        <source>Attach a photo</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="224"/>
        <source>Images (*.jpg *.jpeg *.png *.heic *.bmp);;All files (*)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.heic *.bmp);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="245"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="251"/>
        <source>Save the work-order sheet</source>
        <translation>保存工单</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="252"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_detail.py" line="262"/>
        <source>Work-order sheet</source>
        <translation>工单打印</translation>
    </message>
</context>
<context>
    <name>OrderedSettingsDialog</name>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="29"/>
        <source>Ordered charging settings</source>
        <translation>有序充电设置</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="32"/>
        <source>Ordered charging on</source>
        <translation>开启有序充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="51"/>
        <source>Limit (transformer, all loads)</source>
        <translation>限额（变压器，全部负荷）</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="52"/>
        <source>Safety margin</source>
        <translation>安全裕量</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="53"/>
        <source>Budget while the meter is silent</source>
        <translation>电表无响应时的充电额度</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="54"/>
        <source>Household load without a meter</source>
        <translation>无电表时的居民负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="55"/>
        <source>Control period</source>
        <translation>控制周期</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="56"/>
        <source>Monthly card</source>
        <translation>包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="56"/>
        <source>IC card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="56"/>
        <source>QR / remote</source>
        <translation>扫码/远程</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="57"/>
        <source>Coin</source>
        <translation>投币</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="63"/>
        <source>Priority for</source>
        <translation>优先</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_settings.py" line="64"/>
        <source>Changes are recorded in the audit log.</source>
        <translation>修改将记录在审计日志中。</translation>
    </message>
</context>
<context>
    <name>OrderedView</name>
    <message>
        <location filename="../../widgets/ordered_view.py" line="58"/>
        <location filename="../../widgets/ordered_view.py" line="232"/>
        <location filename="../../widgets/ordered_view.py" line="238"/>
        <source>Ordered charging</source>
        <translation>有序充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="68"/>
        <source>kW</source>
        <translation>kW</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="69"/>
        <source>Other load</source>
        <translation>其他负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="71"/>
        <source>Other load + charging</source>
        <translation>其他负荷 + 充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="72"/>
        <source>Limit</source>
        <translation>限额</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="74"/>
        <source>Schedule ahead</source>
        <translation>未来计划</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="79"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="79"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="79"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="80"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="80"/>
        <source>Expected start</source>
        <translation>预计开始</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="81"/>
        <source>Expected done</source>
        <translation>预计完成</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="90"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="91"/>
        <source>Charge first</source>
        <translation>优先充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="92"/>
        <source>Hold</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="93"/>
        <source>Clear override</source>
        <translation>取消人工干预</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="113"/>
        <source>must charge now to finish in time</source>
        <translation>须立即充电才能按时充满</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="113"/>
        <source>keeps charging</source>
        <translation>继续充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="114"/>
        <source>capacity free</source>
        <translation>容量充足</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="114"/>
        <source>capacity free now</source>
        <translation>当前有空余容量</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="115"/>
        <source>staff: charge first</source>
        <translation>人工：优先充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="115"/>
        <source>staff: hold</source>
        <translation>人工：暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="116"/>
        <source>no capacity now</source>
        <translation>当前容量不足</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="116"/>
        <source>peak ahead: waits for it</source>
        <translation>高峰将至：稍后充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="117"/>
        <source>less than 6 A free</source>
        <translation>空余不足 6 A</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="117"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="119"/>
        <source>Charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="119"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="120"/>
        <source>Held by staff</source>
        <translation>人工暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="120"/>
        <source>Limited</source>
        <translation>限流</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="121"/>
        <source>Paused (0 A)</source>
        <translation>暂停（0 A）</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="136"/>
        <source>Ordered charging of %1</source>
        <translation>%1 的有序充电</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="141"/>
        <source>Ordered charging is off for this community, or has not run yet.</source>
        <translation>本小区未开启有序充电，或尚未运行。</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="157"/>
        <source>from the transformer meter</source>
        <translation>来自变压器电表</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="158"/>
        <source>static fallback: the transformer meter is silent</source>
        <translation>静态保底：变压器电表无响应</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="159"/>
        <source>estimated: no transformer meter, the configured household load</source>
        <translation>估算：无变压器电表，按设定的居民负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="163"/>
        <source>Spare capacity %1 (%2) · charging %3 of it · %4 vehicles charging, %5 waiting</source>
        <translation>可用容量 %1（%2）· 已用于充电 %3 · %4 辆充电中，%5 辆等待</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="229"/>
        <source>saved; the controller applies it shortly</source>
        <translation>已保存，控制器稍后生效</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="238"/>
        <source>Reason (recorded):</source>
        <translation>原因（将被记录）：</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="76"/>
        <source>Other load ahead + margin</source>
        <translation>预计其他负荷 + 裕量</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="177"/>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <location filename="../../widgets/ordered_view.py" line="199"/>
        <source>after %1</source>
        <translation>%1 以后</translation>
    </message>
</context>
<context>
    <name>OutboxDialog</name>
    <message>
        <location filename="../../widgets/notify_views.py" line="75"/>
        <source>Notification outbox</source>
        <translation>通知发件箱</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="78"/>
        <source>Queued</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="78"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="78"/>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="79"/>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="79"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="79"/>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="80"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="85"/>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="86"/>
        <source>Send a test message</source>
        <translation>发送测试消息</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="87"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="91"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="92"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="106"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="106"/>
        <source>fire platform</source>
        <translation>消防平台</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="107"/>
        <source>waiting</source>
        <translation>等待发送</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="107"/>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="107"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/notify_views.py" line="135"/>
        <source>%1 waiting, %2 failed</source>
        <translation>%1 条等待发送，%2 条失败</translation>
    </message>
</context>
<context>
    <name>PileChooser</name>
    <message>
        <location filename="../../widgets/pile_chooser.py" line="23"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_chooser.py" line="23"/>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_chooser.py" line="23"/>
        <source>Firmware</source>
        <translation>固件版本</translation>
    </message>
</context>
<context>
    <name>PileView</name>
    <message>
        <location filename="../../widgets/pile_view.py" line="108"/>
        <source>Select a pile in the tree or on the map</source>
        <translation>请在左侧列表或地图上选择充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="123"/>
        <source>Start port…</source>
        <translation>启动端口…</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="123"/>
        <source>Stop port</source>
        <translation>停止端口</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="124"/>
        <source>Clear fault</source>
        <translation>清除故障</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="124"/>
        <source>Configuration…</source>
        <translation>参数配置…</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="125"/>
        <source>Sync clock</source>
        <translation>校时</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="125"/>
        <source>Reboot</source>
        <translation>重启</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="126"/>
        <source>Work order…</source>
        <translation>报修工单…</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="126"/>
        <source>OCPP…</source>
        <translation>OCPP…</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="127"/>
        <source>Maintenance history</source>
        <translation>维修历史</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="201"/>
        <source>Offline — not answering</source>
        <translation>离线——无应答</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="207"/>
        <source>SMOKE</source>
        <translation>烟雾</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="208"/>
        <source>OVER-TEMP</source>
        <translation>过温</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="209"/>
        <source>door open</source>
        <translation>柜门打开</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="210"/>
        <source>night cut-off</source>
        <translation>夜间断电</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="211"/>
        <source>free mode</source>
        <translation>免费模式</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="212"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="212"/>
        <source>Smoke</source>
        <translation>烟感</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="212"/>
        <source>Meter</source>
        <translation>电表</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="213"/>
        <source>Mains</source>
        <translation>市电</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="213"/>
        <source>Power</source>
        <translation>功率</translation>
    </message>
</context>
<context>
    <name>PolicyEditor</name>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="52"/>
        <source>Power-tiered time (the pile&apos;s bands)</source>
        <translation>按功率分档计时（充电桩分档）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="53"/>
        <source>Per hour</source>
        <translation>按时长计费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="54"/>
        <source>Per kWh</source>
        <translation>按电量计费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="55"/>
        <source>Time-of-use price + service fee</source>
        <translation>分时电价 + 服务费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="56"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="57"/>
        <source>Monthly card</source>
        <translation>包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="64"/>
        <source>Price per hour (yuan)</source>
        <translation>每小时单价（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="65"/>
        <location filename="../../widgets/tariff_editor.py" line="136"/>
        <source>Price per kWh (yuan)</source>
        <translation>每度电单价（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="66"/>
        <location filename="../../widgets/tariff_editor.py" line="148"/>
        <source>Service fee per kWh (yuan)</source>
        <translation>每度电服务费（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="68"/>
        <source>Sessions cost nothing. Piles get free mode with the free time below.</source>
        <translation>充电不收费。充电桩启用免费模式，每次按下方的免费时长充电。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="70"/>
        <source>Sessions cost nothing; the monthly fee is paid at the card desk.</source>
        <translation>充电不收费；包月费用在发卡台缴纳。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="81"/>
        <location filename="../../widgets/tariff_editor.py" line="84"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="85"/>
        <source>Minimum charge (yuan)</source>
        <translation>最低消费（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="86"/>
        <source>Coin value (yuan)</source>
        <translation>每枚投币金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="87"/>
        <source>Card swipe value (yuan)</source>
        <translation>每次刷卡扣费（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="88"/>
        <source>Longest session</source>
        <translation>单次最长时长</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="89"/>
        <source>Free time per press</source>
        <translation>每次免费时长</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="92"/>
        <source>Kind</source>
        <translation>计费方式</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="120"/>
        <source>The pile measures the load and picks the first band it fits: one yuan buys that band&apos;s minutes. Loads above the last band are refused.</source>
        <translation>充电桩测量负载功率，选择第一个能容纳该功率的档位：每元可充该档的分钟数。超过最高档的负载拒绝充电。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="124"/>
        <source>Up to (W)</source>
        <translation>功率上限（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="124"/>
        <source>Minutes per yuan</source>
        <translation>每元分钟数</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="125"/>
        <source>Band %1</source>
        <translation>第 %1 档</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="136"/>
        <source>From</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="136"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="140"/>
        <source>Add period</source>
        <translation>添加时段</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="140"/>
        <source>Remove period</source>
        <translation>删除时段</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="227"/>
        <location filename="../../widgets/tariff_editor.py" line="234"/>
        <source>Price per kWh</source>
        <translation>每度电单价</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="233"/>
        <source>Price per hour</source>
        <translation>每小时单价</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="235"/>
        <source>Service fee</source>
        <translation>服务费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="238"/>
        <source>Minimum charge</source>
        <translation>最低消费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="239"/>
        <source>Coin value</source>
        <translation>投币金额</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_editor.py" line="240"/>
        <source>Card swipe value</source>
        <translation>刷卡扣费</translation>
    </message>
</context>
<context>
    <name>PortTableModel</name>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="44"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="44"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="44"/>
        <source>Vehicle</source>
        <translation>车型</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="44"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="44"/>
        <source>V</source>
        <translation>V</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="45"/>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="45"/>
        <source>W</source>
        <translation>W</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="45"/>
        <source>kWh</source>
        <translation>kWh</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="45"/>
        <source>Elapsed min</source>
        <translation>已充分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="45"/>
        <source>Remaining min</source>
        <translation>剩余分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="46"/>
        <location filename="../../widgets/models/port_table_model.py" line="49"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="46"/>
        <source>Payment</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="46"/>
        <source>Ordered charging</source>
        <translation>有序充电</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="48"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="48"/>
        <source>Waiting for load</source>
        <translation>等待负载</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="48"/>
        <location filename="../../widgets/models/port_table_model.py" line="57"/>
        <source>Charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="49"/>
        <source>Disabled</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="49"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="50"/>
        <source>e-bike</source>
        <translation>电动自行车</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="50"/>
        <source>e-tricycle</source>
        <translation>电动三轮车</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="50"/>
        <source>low-speed EV</source>
        <translation>低速电动车</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="51"/>
        <source>car</source>
        <translation>电动汽车</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="51"/>
        <source>Coin</source>
        <translation>投币</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="51"/>
        <source>IC card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="52"/>
        <source>QR / remote</source>
        <translation>扫码/远程</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="52"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="52"/>
        <source>Monthly card</source>
        <translation>包月卡</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="53"/>
        <source>Overload</source>
        <translation>过载</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="53"/>
        <source>Short circuit</source>
        <translation>短路</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="54"/>
        <source>Relay stuck</source>
        <translation>继电器粘连</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="54"/>
        <source>Faulty line</source>
        <translation>线路故障</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="55"/>
        <source>Metering error</source>
        <translation>计量故障</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="57"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="58"/>
        <source>Held by staff</source>
        <translation>人工暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="58"/>
        <source>Limited</source>
        <translation>限流</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="59"/>
        <source>Paused (0 A)</source>
        <translation>暂停（0 A）</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="127"/>
        <source>%1 · done ~%2</source>
        <translation>%1 · 约 %2 完成</translation>
    </message>
    <message>
        <location filename="../../widgets/models/port_table_model.py" line="129"/>
        <source>%1 · starts ~%2</source>
        <translation>%1 · 约 %2 开始</translation>
    </message>
</context>
<context>
    <name>PortTile</name>
    <message>
        <location filename="../../widgets/pile_view.py" line="40"/>
        <source>Overload</source>
        <translation>过载</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="40"/>
        <source>Short circuit</source>
        <translation>短路</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="41"/>
        <source>Relay stuck</source>
        <translation>继电器粘连</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="41"/>
        <source>Faulty line</source>
        <translation>线路故障</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="42"/>
        <source>Metering error</source>
        <translation>计量故障</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="43"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="43"/>
        <source>Waiting for load</source>
        <translation>等待负载</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="44"/>
        <source>Charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="44"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="45"/>
        <source>Disabled</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="45"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../widgets/pile_view.py" line="84"/>
        <source>%1 min left</source>
        <translation>剩余 %1 分钟</translation>
    </message>
</context>
<context>
    <name>RaiseOrderDialog</name>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="30"/>
        <source>New work order</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="34"/>
        <source>Pile fault</source>
        <translation>充电桩故障</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="35"/>
        <source>Resident complaint</source>
        <translation>用户投诉</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="37"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="41"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="43"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="46"/>
        <source>whole pile</source>
        <translation>整桩</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="47"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="52"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="53"/>
        <source>Title (empty: from the pile)</source>
        <translation>标题（留空则按充电桩生成）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="54"/>
        <source>Reported by (name, phone)</source>
        <translation>报修人（姓名、电话）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="57"/>
        <source>Description</source>
        <translation>故障描述</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="59"/>
        <source>— assign later —</source>
        <translation>— 稍后派单 —</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="63"/>
        <source>Technician</source>
        <translation>运维人员</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="76"/>
        <source>— none (about the community) —</source>
        <translation>— 无（针对小区）—</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="282"/>
        <source>Receipt %1</source>
        <translation>收据 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="287"/>
        <source>80 mm roll</source>
        <translation>80 mm 卷纸</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="289"/>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="300"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="301"/>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="302"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="331"/>
        <source>Save receipt</source>
        <translation>保存收据</translation>
    </message>
</context>
<context>
    <name>RegisterDialog</name>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="213"/>
        <source>Register charge point</source>
        <translation>登记充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="214"/>
        <source>A charge point that is accepted at once (known before it connects).</source>
        <translation>登记后立即接受的充电桩（在它连接之前就已知）。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="217"/>
        <source>0 · no password (trusted network only)</source>
        <translation>0 · 无密码（仅限可信网络）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="218"/>
        <source>1 · password (Basic auth)</source>
        <translation>1 · 密码（Basic 认证）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="219"/>
        <source>2 · password over TLS (wss://)</source>
        <translation>2 · 密码 + TLS 加密（wss://）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="222"/>
        <source>Security profile</source>
        <translation>安全等级</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="227"/>
        <source>Maximum current</source>
        <translation>最大电流</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="231"/>
        <source>Give the charge point&apos;s identity.</source>
        <translation>请填写充电桩标识。</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="239"/>
        <source>Registering …</source>
        <translation>正在登记…</translation>
    </message>
</context>
<context>
    <name>RepairDialog</name>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="134"/>
        <source>Repair log for %1</source>
        <translation>%1 维修记录</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="139"/>
        <source>Cause</source>
        <translation>故障原因</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="142"/>
        <source>One part per line, e.g. 10 A socket ×1</source>
        <translation>每行一个部件，如 10A 插座 ×1</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="143"/>
        <source>Parts replaced</source>
        <translation>更换部件</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="146"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="148"/>
        <source>Time spent</source>
        <translation>用时</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="152"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_dialogs.py" line="153"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <location filename="../../widgets/reports_view.py" line="80"/>
        <source>Monthly billing report (PDF)</source>
        <translation>月度计费报表（PDF）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="83"/>
        <source>The whole operator</source>
        <translation>全部小区（运营商）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="84"/>
        <source>Generate…</source>
        <translation>生成…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="85"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="92"/>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="108"/>
        <source>Save the monthly report</source>
        <translation>保存月度报表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="130"/>
        <source>reading the month&apos;s figures</source>
        <translation>正在读取本月数据</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="130"/>
        <source>cover</source>
        <translation>封面</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="131"/>
        <source>summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="131"/>
        <source>daily charts</source>
        <translation>每日图表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="131"/>
        <source>payment ways</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="132"/>
        <source>piles</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="132"/>
        <source>top users</source>
        <translation>主要用户</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="132"/>
        <source>meters</source>
        <translation>电表</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="133"/>
        <source>cards and ledger</source>
        <translation>包月卡与账本</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="133"/>
        <source>signatures</source>
        <translation>签字栏</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="134"/>
        <source>laying out the pages</source>
        <translation>正在排版</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="134"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="141"/>
        <source>%1 written: %2 pages, %3 sessions, revenue %4.</source>
        <translation>已保存 %1：共 %2 页，%3 次充电，收入 %4。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="150"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="151"/>
        <source>The report was cancelled; no file was written.</source>
        <translation>报表已取消，未写入文件。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="157"/>
        <source>Daily close (日结)</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="162"/>
        <source>cash counted, yuan</source>
        <translation>清点现金（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="164"/>
        <source>coins collected, yuan (optional)</source>
        <translation>投币箱回收（元，可选）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="165"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="166"/>
        <source>Close the day…</source>
        <translation>日结…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="167"/>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="169"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="175"/>
        <source>Discrepancy</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="175"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="207"/>
        <source>closed by %1</source>
        <translation>已由 %1 日结</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="207"/>
        <source>not closed yet</source>
        <translation>尚未日结</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="209"/>
        <source>Cash drawer per ledger &lt;b&gt;%1&lt;/b&gt; (in %2, out %3) · coin revenue %4 · metered %5 kWh, sold %6 kWh (loss %7) · %8</source>
        <translation>账本钱箱应有 &lt;b&gt;%1&lt;/b&gt;（收 %2，付 %3）· 投币收入 %4 · 电表 %5 kWh，售出 %6 kWh（损耗 %7）· %8</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="217"/>
        <source>No discrepancies</source>
        <translation>无差异</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="227"/>
        <source>Enter the cash counted in the drawer first.</source>
        <translation>请先填写钱箱清点的现金。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="230"/>
        <source>Close the day</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="230"/>
        <source>Close %1 with %2 counted? A day is closed once; the close is recorded in the audit trail.</source>
        <translation>以清点现金 %2 对 %1 进行日结？每天只能日结一次，日结将记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="243"/>
        <source>Save the daily close</source>
        <translation>保存日结单</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="247"/>
        <location filename="../../widgets/reports_view.py" line="275"/>
        <source>%1 written (%2 pages).</source>
        <translation>已保存 %1（%2 页）。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="252"/>
        <source>QR code labels for the ports (PDF)</source>
        <translation>端口二维码标签（PDF）</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="253"/>
        <source>Every station</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="254"/>
        <source>Save label sheet…</source>
        <translation>保存标签页…</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="260"/>
        <source>Station</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="261"/>
        <source>21 stickers per A4 page, each with the port&apos;s QR code and number; cut along the dashed lines.</source>
        <translation>每张 A4 纸 21 枚标签，印有端口二维码和编号；沿虚线剪开。</translation>
    </message>
    <message>
        <location filename="../../widgets/reports_view.py" line="270"/>
        <source>Save the label sheet</source>
        <translation>保存标签页</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../../widgets/settings_view.py" line="37"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="45"/>
        <source>Language / 语言</source>
        <translation>语言 / Language</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="46"/>
        <source>Database in use</source>
        <translation>当前数据库</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="66"/>
        <source>Shared database (several desks)</source>
        <translation>共享数据库（多台工作站）</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="71"/>
        <source>kept in the system keyring</source>
        <translation>保存在系统密钥环中</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="72"/>
        <source>Save (applies at the next start)</source>
        <translation>保存（下次启动生效）</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="76"/>
        <source>Database URL</source>
        <translation>数据库地址</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="77"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="87"/>
        <source>The local database file will be used from the next start.</source>
        <translation>下次启动时使用本机数据库文件。</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="101"/>
        <source>Saved. The password is in the system keyring, not in any file.</source>
        <translation>已保存。密码保存在系统密钥环中，不写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="105"/>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="108"/>
        <source> min (0 = never)</source>
        <translation> 分钟（0 = 不锁定）</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="113"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="114"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="117"/>
        <source>Lock the console after</source>
        <translation>无操作自动锁定</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="118"/>
        <source>Failed sign-ins before lockout</source>
        <translation>连续登录失败次数上限</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="119"/>
        <source>Lockout lasts</source>
        <translation>锁定时长</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="140"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../widgets/settings_view.py" line="61"/>
        <source>The console will use %1 from the next start. / 重启后生效。</source>
        <translation>下次启动时使用%1。</translation>
    </message>
</context>
<context>
    <name>StartPortDialog</name>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="58"/>
        <source>Start port %1 of %2</source>
        <translation>启动 %2 的 %1 号端口</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="59"/>
        <source>For a time</source>
        <translation>按时长</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="60"/>
        <source>For an amount</source>
        <translation>按金额</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="65"/>
        <source>For an amount from a resident&apos;s wallet</source>
        <translation>按金额，从住户钱包支付</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="68"/>
        <source>name, phone, room or card number</source>
        <translation>姓名、电话、房号或卡号</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="74"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="87"/>
        <source>Amount (¥)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="132"/>
        <source>Choose the resident who pays.</source>
        <translation>请选择付款的住户。</translation>
    </message>
    <message>
        <location filename="../../widgets/command_dialogs.py" line="137"/>
        <location filename="../../widgets/command_dialogs.py" line="144"/>
        <source>Enter an amount in yuan, e.g. 2 or 2.50</source>
        <translation>请输入金额（元），如 2 或 2.50</translation>
    </message>
</context>
<context>
    <name>StationLoadView</name>
    <message>
        <location filename="../../widgets/station_load_view.py" line="77"/>
        <source>Select a community</source>
        <translation>请选择小区</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="84"/>
        <source>Transformer limit</source>
        <translation>变压器限额</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="84"/>
        <source>Transformer meter</source>
        <translation>变压器总表</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="85"/>
        <source>Charging</source>
        <translation>充电负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="85"/>
        <location filename="../../widgets/station_load_view.py" line="103"/>
        <source>Other load</source>
        <translation>其他负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="86"/>
        <source>Capacity for charging</source>
        <translation>可用于充电的容量</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="86"/>
        <source>Headroom now</source>
        <translation>当前余量</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="102"/>
        <source>kW</source>
        <translation>kW</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="105"/>
        <source>Other load + charging</source>
        <translation>其他负荷 + 充电</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="106"/>
        <source>Limit</source>
        <translation>限额</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="124"/>
        <source>Load of %1</source>
        <translation>%1 的负荷</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="201"/>
        <source>transformer</source>
        <translation>总表</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="201"/>
        <source>pile</source>
        <translation>桩表</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="206"/>
        <source>not answering</source>
        <translation>无应答</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="208"/>
        <source>Meters: %1</source>
        <translation>电表：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/station_load_view.py" line="209"/>
        <source>No meter answers for this community yet</source>
        <translation>该小区暂无电表应答</translation>
    </message>
</context>
<context>
    <name>StationTree</name>
    <message>
        <location filename="../../widgets/station_tree.py" line="29"/>
        <source>Filter: community, pile or port…</source>
        <translation>筛选：小区、桩或端口…</translation>
    </message>
    <message>
        <location filename="../../widgets/station_tree.py" line="69"/>
        <source>Port %1</source>
        <translation>%1 号端口</translation>
    </message>
    <message>
        <location filename="../../widgets/station_tree.py" line="118"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
</context>
<context>
    <name>StatisticsView</name>
    <message>
        <location filename="../../widgets/statistics_view.py" line="90"/>
        <source>All stations</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="93"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="95"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="95"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="101"/>
        <source>Revenue by day (yuan)</source>
        <translation>每日收入（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="102"/>
        <source>Energy by day (kWh)</source>
        <translation>每日电量（kWh）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="103"/>
        <source>Sessions by hour of day; line: share of ports charging (%)</source>
        <translation>各时段充电次数；折线：端口使用率（%）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="104"/>
        <source>Revenue by payment way (yuan)</source>
        <translation>按支付方式收入（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="105"/>
        <source>Revenue by station (yuan)</source>
        <translation>按小区收入（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="114"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="114"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="114"/>
        <source>Sessions</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="114"/>
        <source>Hours</source>
        <translation>时长（小时）</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="115"/>
        <source>kWh</source>
        <translation>电量 kWh</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="115"/>
        <source>Revenue</source>
        <translation>收入</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="115"/>
        <source>Utilisation</source>
        <translation>利用率</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="133"/>
        <source>Counting …</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../widgets/statistics_view.py" line="140"/>
        <source>&lt;b&gt;%1 sessions&lt;/b&gt; · %2 kWh · &lt;b&gt;revenue %3&lt;/b&gt; · %4 ports, %5 of their time charging</source>
        <translation>&lt;b&gt;%1 次充电&lt;/b&gt; · %2 kWh · &lt;b&gt;收入 %3&lt;/b&gt; · %4 个端口，充电时间占 %5</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <location filename="../../widgets/wo_summary.py" line="44"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="44"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="44"/>
        <source>Last 90 days</source>
        <translation>最近 90 天</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="47"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="50"/>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="55"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="55"/>
        <source>Open</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="55"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="56"/>
        <source>Raised</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="56"/>
        <source>Resolved</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="57"/>
        <source>Mean time to repair (h:mm)</source>
        <translation>平均修复时间（时:分）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="57"/>
        <source>Open by severity</source>
        <translation>未完成（按严重程度）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="63"/>
        <source>Hours to repair</source>
        <translation>修复时间（小时）</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="89"/>
        <source>All communities</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_summary.py" line="114"/>
        <source>%1 resolved in the period, mean time to repair %2</source>
        <translation>期间已处理 %1 单，平均修复时间 %2</translation>
    </message>
</context>
<context>
    <name>TariffAssignDialog</name>
    <message>
        <location filename="../../widgets/tariff_view.py" line="49"/>
        <source>Assign tariff</source>
        <translation>分配资费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="51"/>
        <source>Every station (operator-wide)</source>
        <translation>全部小区（运营商统一）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="53"/>
        <source>Station %1</source>
        <translation>小区 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="55"/>
        <source>Pile %1</source>
        <translation>充电桩 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="57"/>
        <source>Every user</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="61"/>
        <source>Where</source>
        <translation>适用地点</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="62"/>
        <source>Who</source>
        <translation>适用用户</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="63"/>
        <source>The most specific assignment wins: a user group before a pile, a pile before its station, a station before the operator-wide tariff.</source>
        <translation>以最具体的分配为准：用户分组优先于充电桩，充电桩优先于所在小区，小区优先于运营商统一资费。</translation>
    </message>
</context>
<context>
    <name>TariffView</name>
    <message>
        <location filename="../../widgets/tariff_view.py" line="86"/>
        <source>New tariff</source>
        <translation>新建资费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="86"/>
        <location filename="../../widgets/tariff_view.py" line="199"/>
        <source>Save as new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="87"/>
        <source>Assign…</source>
        <translation>分配…</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="87"/>
        <source>Remove assignment</source>
        <translation>取消分配</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="88"/>
        <source>Push to piles…</source>
        <translation>下发到充电桩…</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="88"/>
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="93"/>
        <location filename="../../widgets/tariff_view.py" line="101"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="93"/>
        <location filename="../../widgets/tariff_view.py" line="102"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="93"/>
        <source>Kind</source>
        <translation>计费方式</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="93"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="94"/>
        <source>In force since</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="94"/>
        <location filename="../../widgets/tariff_view.py" line="113"/>
        <source>Assigned to</source>
        <translation>适用范围</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="103"/>
        <source>Effective from</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="104"/>
        <source>Policy</source>
        <translation>计费规则</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="108"/>
        <source>Sample session</source>
        <translation>典型充电</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="108"/>
        <source>In force</source>
        <translation>现行</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="108"/>
        <source>Edited</source>
        <translation>修改后</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="109"/>
        <source>Difference</source>
        <translation>差额</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="114"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="114"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="114"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="117"/>
        <source>What typical sessions cost</source>
        <translation>典型充电的费用</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="123"/>
        <source>Assignments</source>
        <translation>分配</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="123"/>
        <source>Last push</source>
        <translation>最近下发</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="186"/>
        <source>%1 tariffs</source>
        <translation>%1 个资费方案</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="203"/>
        <source>In force: version %1 since %2.</source>
        <translation>现行：第 %1 版，自 %2 起生效。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="214"/>
        <source>Create tariff</source>
        <translation>创建资费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="218"/>
        <source>A new tariff: nothing is in force yet.</source>
        <translation>新资费方案：尚无生效版本。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="244"/>
        <source>(minimum)</source>
        <translation>（最低消费）</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="246"/>
        <source>refused: over every band</source>
        <translation>拒绝：超过最高档</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="264"/>
        <source>Tariff created.</source>
        <translation>资费已创建。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="270"/>
        <source>Version %1 saved.</source>
        <translation>第 %1 版已保存。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="291"/>
        <source>Assigned to %1.</source>
        <translation>已分配到 %1。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="301"/>
        <source>Assignment removed.</source>
        <translation>已取消分配。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="313"/>
        <source>No pile has this tariff as its own: assign it to a station or pile first.</source>
        <translation>没有充电桩使用此资费：请先分配到小区或充电桩。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="316"/>
        <source>Push to piles</source>
        <translation>下发到充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="317"/>
        <source>Write version %1 of %2 (bands, coin and swipe value, session limits) to %3 piles? Each pile reads the configuration back; every write is recorded in the audit trail.</source>
        <translation>将 %2 第 %1 版（功率分档、投币与刷卡金额、时长限制）写入 %3 台充电桩？每台充电桩都会回读确认，每次写入都记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="323"/>
        <source>Pushing to %1 piles …</source>
        <translation>正在下发到 %1 台充电桩…</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="330"/>
        <source>written</source>
        <translation>已写入</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="330"/>
        <source>already in force</source>
        <translation>已是当前资费</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="331"/>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/tariff_view.py" line="334"/>
        <source>Push finished: %1 of %2 piles hold the tariff.</source>
        <translation>下发完成：%2 台中 %1 台已使用该资费。</translation>
    </message>
</context>
<context>
    <name>TopUpDialog</name>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="93"/>
        <source>Top up — %1</source>
        <translation>充值 — %1</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="95"/>
        <source>e.g. 50 or 20.50</source>
        <translation>如 50 或 20.50</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="97"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="97"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="98"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="98"/>
        <source>Bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="101"/>
        <source>Payment reference (optional)</source>
        <translation>支付流水号（可选）</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="103"/>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="104"/>
        <location filename="../../widgets/user_dialogs.py" line="140"/>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="105"/>
        <source>Reference</source>
        <translation>流水号</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="111"/>
        <source>Confirm top-up</source>
        <translation>确认充值</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="112"/>
        <source>Print receipt…</source>
        <translation>打印收据…</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="114"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="138"/>
        <source>Receipt no.</source>
        <translation>收据号</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="138"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="139"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="140"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="141"/>
        <source>Balance before</source>
        <translation>充值前余额</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="142"/>
        <source>Balance after</source>
        <translation>充值后余额</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="142"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="144"/>
        <source>Wallet top-up receipt</source>
        <translation>钱包充值收据</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="156"/>
        <source>(assigned on confirm)</source>
        <translation>（确认后生成）</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="157"/>
        <source>(now)</source>
        <translation>（当前）</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="178"/>
        <source>Posted. New balance %1.</source>
        <translation>充值成功，新余额 %1。</translation>
    </message>
</context>
<context>
    <name>TransactionsView</name>
    <message>
        <location filename="../../widgets/transactions_view.py" line="51"/>
        <source>QR / app</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="51"/>
        <location filename="../../widgets/transactions_view.py" line="90"/>
        <source>Card</source>
        <translation>刷卡</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="51"/>
        <source>Coin</source>
        <translation>投币</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="52"/>
        <source>Monthly</source>
        <translation>包月</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="52"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="53"/>
        <source>settled</source>
        <translation>已结算</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="53"/>
        <source>flagged</source>
        <translation>待核对</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="53"/>
        <source>unpaid</source>
        <translation>未扣款</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="60"/>
        <source>All stations</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="66"/>
        <source>any port</source>
        <translation>全部端口</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="68"/>
        <source>User name or phone</source>
        <translation>用户姓名或手机号</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="70"/>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="74"/>
        <source>Any state</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="77"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="78"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="79"/>
        <source>Export XLSX…</source>
        <translation>导出 XLSX…</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="81"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="81"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="89"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="89"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="89"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="90"/>
        <source>Way</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="90"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="90"/>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="90"/>
        <source>kWh</source>
        <translation>电量 kWh</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="91"/>
        <source>Paid</source>
        <translation>实收</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="91"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="91"/>
        <source>Revenue</source>
        <translation>收入</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="91"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="94"/>
        <source>Select a session.</source>
        <translation>请选择一次充电。</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="99"/>
        <source>Power (W)</source>
        <translation>功率（W）</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="101"/>
        <source>Mark reviewed…</source>
        <translation>标记为已核对…</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="139"/>
        <source>All piles</source>
        <translation>全部充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="157"/>
        <source>Searching …</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="176"/>
        <source>&lt;b&gt;%1 sessions&lt;/b&gt; · %2 kWh · paid %3 · refunds %4 · &lt;b&gt;revenue %5&lt;/b&gt;&lt;br&gt;by way: %6</source>
        <translation>&lt;b&gt;%1 次充电&lt;/b&gt; · %2 kWh · 实收 %3 · 退款 %4 · &lt;b&gt;收入 %5&lt;/b&gt;&lt;br&gt;按支付方式：%6</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="180"/>
        <source>showing the newest %1</source>
        <translation>仅显示最近 %1 条</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="193"/>
        <source>%1 #%2 · %3 · %4 · record %5</source>
        <translation>%1 #%2 · %3 · %4 · 记录 %5</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="195"/>
        <source>%1 → %2 · %3/%4 min · %5 kWh · peak %6 W · tier %7</source>
        <translation>%1 → %2 · %3/%4 分钟 · %5 kWh · 峰值 %6 W · 第 %7 档</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="199"/>
        <source>Paid %1 · refund %2 · &lt;b&gt;revenue %3&lt;/b&gt; · tariff: %4</source>
        <translation>实收 %1 · 退款 %2 · &lt;b&gt;收入 %3&lt;/b&gt; · 资费：%4</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="202"/>
        <source>User: %1 · card: %2 · ledger: %3</source>
        <translation>用户：%1 · 卡号：%2 · 账本：%3</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="206"/>
        <source>Seen live: %1 → %2 · %3 kWh · %4</source>
        <translation>实时记录：%1 → %2 · %3 kWh · %4</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="210"/>
        <source>⚑ %1 / %2: live %3 · pile %4</source>
        <translation>⚑ %1 / %2：实时 %3 · 充电桩 %4</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="214"/>
        <source>Reviewed: %1</source>
        <translation>已核对：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="221"/>
        <source>No samples stored for this session</source>
        <translation>该次充电没有存储功率曲线</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="228"/>
        <source>Mark reviewed</source>
        <translation>标记为已核对</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="228"/>
        <source>What did you find?</source>
        <translation>核对结论：</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="236"/>
        <source>Export transactions</source>
        <translation>导出交易明细</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="249"/>
        <source>Exporting …</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../widgets/transactions_view.py" line="250"/>
        <source>%1 rows written to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
</context>
<context>
    <name>TrendView</name>
    <message>
        <location filename="../../widgets/trend_view.py" line="71"/>
        <source>Trend: select a port</source>
        <translation>趋势：请选择端口</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="73"/>
        <source>Live, last hour</source>
        <translation>实时（最近1小时）</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="73"/>
        <source>History: last 6 hours</source>
        <translation>历史：最近6小时</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="74"/>
        <source>History: last 24 hours</source>
        <translation>历史：最近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="75"/>
        <source>History: last 7 days</source>
        <translation>历史：最近7天</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="77"/>
        <source>Export PNG…</source>
        <translation>导出图片…</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="78"/>
        <source>Export CSV…</source>
        <translation>导出CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="88"/>
        <source>W / V</source>
        <translation>W / V</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="90"/>
        <source>Voltage V</source>
        <translation>电压 V</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="91"/>
        <source>Power W</source>
        <translation>功率 W</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="98"/>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="100"/>
        <location filename="../../widgets/trend_view.py" line="102"/>
        <source>Current A</source>
        <translation>电流 A</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="153"/>
        <source>Trend: %1 charging power</source>
        <translation>趋势：%1 充电功率</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="159"/>
        <source>Trend: %1</source>
        <translation>趋势：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="172"/>
        <source>Loading history…</source>
        <translation>正在读取历史…</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="70"/>
        <source>History could not be loaded: %1</source>
        <translation>历史数据读取失败：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="201"/>
        <location filename="../../widgets/trend_view.py" line="206"/>
        <source>%1 stored samples</source>
        <translation>共 %1 个采样点</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="235"/>
        <source>Export PNG</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_view.py" line="240"/>
        <source>Export CSV</source>
        <translation>导出CSV</translation>
    </message>
</context>
<context>
    <name>UngreyDialog</name>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="219"/>
        <source>Un-grey the card</source>
        <translation>解灰</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="222"/>
        <source>No record from the pile yet</source>
        <translation>尚未收到充电桩的记录</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="224"/>
        <source>Decide by hand (amount back onto the card, at most %1)</source>
        <translation>人工解灰（退回卡内的金额，最多 %1）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="229"/>
        <source>Reason (required by hand)</source>
        <translation>原因（人工解灰必填）</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="245"/>
        <source>Settle the card from the pile&apos;s record?</source>
        <translation>按充电桩的记录解灰？</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="254"/>
        <source>At most %1, and a reason is needed.</source>
        <translation>最多 %1，并且必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../widgets/card_dialogs.py" line="256"/>
        <source>Put %1 back onto the card and clear the lock?</source>
        <translation>把 %1 退回卡内并解除灰锁？</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="39"/>
        <source>Register a user</source>
        <translation>登记用户</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="39"/>
        <source>Edit user</source>
        <translation>编辑用户</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="49"/>
        <source>e-bike</source>
        <translation>电动自行车</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="49"/>
        <source>e-tricycle</source>
        <translation>电动三轮车</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="50"/>
        <source>low-speed EV</source>
        <translation>低速电动车</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="50"/>
        <source>car</source>
        <translation>电动汽车</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="60"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="60"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="61"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="61"/>
        <source>Unit</source>
        <translation>单元</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="62"/>
        <source>Room</source>
        <translation>房号</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="62"/>
        <source>Vehicle</source>
        <translation>车型</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="63"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="63"/>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../widgets/user_dialogs.py" line="64"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message>
        <location filename="../../widgets/users_view.py" line="45"/>
        <source>Name, phone, card number or room</source>
        <translation>姓名、电话、卡号或房号</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="47"/>
        <source>Building</source>
        <translation>楼栋</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="49"/>
        <source>Include deactivated</source>
        <translation>包括已停用</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="50"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="55"/>
        <source>Register…</source>
        <translation>登记…</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="56"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="57"/>
        <location filename="../../widgets/users_view.py" line="146"/>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="58"/>
        <source>Top up…</source>
        <translation>充值…</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="59"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="64"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="64"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="64"/>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="64"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="64"/>
        <source>Vehicle</source>
        <translation>车型</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="65"/>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="65"/>
        <location filename="../../widgets/users_view.py" line="71"/>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="65"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="68"/>
        <source>Select a user.</source>
        <translation>请选择用户。</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="70"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="70"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="70"/>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="70"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="71"/>
        <source>Receipt</source>
        <translation>收据号</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="71"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="89"/>
        <source>Top-up</source>
        <translation>充值</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="89"/>
        <source>Charging</source>
        <translation>充电中</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="89"/>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="90"/>
        <source>Adjustment</source>
        <translation>调账</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="90"/>
        <source>Transfer</source>
        <translation>转账</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="91"/>
        <source>e-bike</source>
        <translation>电动自行车</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="91"/>
        <source>e-tricycle</source>
        <translation>电动三轮车</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="91"/>
        <source>low-speed EV</source>
        <translation>低速电动车</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="92"/>
        <source>car</source>
        <translation>电动汽车</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="93"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="93"/>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="93"/>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="94"/>
        <source>Bank transfer</source>
        <translation>银行转账</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="129"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="129"/>
        <source>deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="136"/>
        <source>%1 users</source>
        <translation>共 %1 位用户</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="146"/>
        <source>Reactivate</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="199"/>
        <source>Import users</source>
        <translation>导入用户</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="200"/>
        <source>Spreadsheets (*.csv *.xlsx)</source>
        <translation>表格文件 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="213"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="213"/>
        <source>%1 users imported.</source>
        <translation>已导入 %1 位用户。</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="220"/>
        <source>… and %1 more</source>
        <translation>……另有 %1 条</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="221"/>
        <source>Import refused</source>
        <translation>导入未完成</translation>
    </message>
    <message>
        <location filename="../../widgets/users_view.py" line="222"/>
        <source>Nothing was imported: %1 rows have problems. Correct the file and import it again.</source>
        <translation>未导入任何数据：%1 行有问题。请修改文件后重新导入。</translation>
    </message>
</context>
<context>
    <name>WorkOrders</name>
    <message>
        <location filename="../../widgets/wo_names.py" line="12"/>
        <source>new</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="13"/>
        <location filename="../../widgets/wo_names.py" line="37"/>
        <source>assigned</source>
        <translation>已派单</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="14"/>
        <source>in progress</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="15"/>
        <location filename="../../widgets/wo_names.py" line="39"/>
        <source>resolved</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="16"/>
        <location filename="../../widgets/wo_names.py" line="40"/>
        <source>verified</source>
        <translation>已验收</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="17"/>
        <location filename="../../widgets/wo_names.py" line="41"/>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="21"/>
        <source>critical</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="22"/>
        <source>major</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="23"/>
        <source>minor</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="24"/>
        <source>warning</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="25"/>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="29"/>
        <source>fixed</source>
        <translation>已修复</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="30"/>
        <source>temporary fix</source>
        <translation>临时处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="31"/>
        <source>not fixed</source>
        <translation>未修复</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="32"/>
        <source>no fault found</source>
        <translation>未发现故障</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="36"/>
        <source>raised</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="38"/>
        <source>started</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="42"/>
        <source>reopened</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="43"/>
        <source>cancelled</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="44"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="45"/>
        <source>repair logged</source>
        <translation>维修记录</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="46"/>
        <source>photo attached</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="47"/>
        <source>fault came back</source>
        <translation>故障再现</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="48"/>
        <source>escalated</source>
        <translation>超时升级</translation>
    </message>
    <message>
        <location filename="../../widgets/wo_names.py" line="49"/>
        <source>remote diagnosis</source>
        <translation>远程诊断</translation>
    </message>
</context>
<context>
    <name>WorkOrdersView</name>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="61"/>
        <source>Orders</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="63"/>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="79"/>
        <source>Open</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="80"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="84"/>
        <source>All communities</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="88"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="91"/>
        <source>My orders</source>
        <translation>我的工单</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="95"/>
        <source>Overdue only</source>
        <translation>只看超时</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="97"/>
        <source>Number or title</source>
        <translation>工单号或标题</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="102"/>
        <source>New order…</source>
        <translation>新建工单…</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="103"/>
        <source>Complaint…</source>
        <translation>登记投诉…</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="119"/>
        <source>Number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="119"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="119"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="119"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="120"/>
        <source>Pile</source>
        <translation>充电桩</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="120"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="120"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="120"/>
        <source>Technician</source>
        <translation>运维人员</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="121"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="121"/>
        <source>Raised</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="148"/>
        <source>Pile %1 ✕</source>
        <translation>充电桩 %1 ✕</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="178"/>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="195"/>
        <source>%1 orders, %2 overdue</source>
        <translation>共 %1 单，超时 %2 单</translation>
    </message>
    <message>
        <location filename="../../widgets/work_orders_view.py" line="247"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
</context>
<context>
    <name>_PileForm</name>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="150"/>
        <source>Identity (ws://…/ocpp/&lt;identity&gt;)</source>
        <translation>桩标识（ws://…/ocpp/&lt;标识&gt;）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="155"/>
        <source>Community</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="156"/>
        <source>Pile code</source>
        <translation>桩编号</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="157"/>
        <source>e.g. XC01-C03</source>
        <translation>例如 XC01-C03</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="158"/>
        <source>Pile name</source>
        <translation>桩名称</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="159"/>
        <source>(the pile code)</source>
        <translation>（默认同桩编号）</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="163"/>
        <source>Connectors</source>
        <translation>枪数</translation>
    </message>
    <message>
        <location filename="../../widgets/charge_points_view.py" line="186"/>
        <source>Choose the community and give the pile a code.</source>
        <translation>请选择小区并填写桩编号。</translation>
    </message>
</context>
</TS>
