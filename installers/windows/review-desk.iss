; Inno Setup 6 script: the Windows installer of Expert Review Desk (专家评审工作台).
;
; It installs the one-folder build made ON WINDOWS (PyInstaller cannot cross-build) into
; Program Files, with a Start menu entry named in Chinese and English, the file associations
; of the program's files (*.oipkg *.oikit *.oisheet *.oibundle *.oiround *.oireport, which a
; double-click opens with "review-desk.exe open FILE"), and an uninstaller (Settings > Apps)
; that removes the program and the associations and keeps the user's workspaces.
;
;   iscc /DAppVersion=0.1.0 /DBuildDir=C:\src\dist\review-desk /OC:\src\dist installers\windows\review-desk.iss
;
; BuildDir holds review-desk.exe (windowed: no console opens from the Start menu or a
; double-click) and review-desk-cli.exe (console: the command line, --version, demo), both
; built by installers/pyinstaller/review-desk.spec (see installers/windows/README.md).
; .github/workflows/release-windows.yml runs all of this on a hosted Windows runner.
; Needs Inno Setup 6.3 or newer (x64compatible). Saved as UTF-8 with a BOM, as Inno Setup
; wants for the Chinese text.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BuildDir
  #define BuildDir "..\..\dist\review-desk"
#endif
#define AppName "Expert Review Desk"
#define AppNameZh "专家评审工作台"
#define AppExe "review-desk.exe"
#define CliExe "review-desk-cli.exe"
#define ProgIdPrefix "ExpertReviewDesk"

; The Chinese wizard needs Languages\ChineseSimplified.isl, official in recent Inno Setup
; releases; with an older one the wizard is English only (the names below stay bilingual).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define HaveChinese
#else
  #pragma message "ChineseSimplified.isl is not in this Inno Setup: the wizard will be English only"
#endif

[Setup]
; AppId identifies the program for upgrades and the uninstaller: never change it.
AppId={{A502DEDE-257C-45EC-81B3-19155221C282}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Program Files for every user (administrator); a user without that right may choose to
; install for themselves only (their own AppData\Local\Programs).
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=review-desk-{#AppVersion}-win-amd64-setup
SetupIconFile=..\..\resources\icons\review-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion} · {#AppNameZh}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#ifdef HaveChinese
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
english.TypePackage=Application package (Expert Review Desk)
english.TypeKit=Meeting kit (Expert Review Desk)
english.TypeSheet=Sheet file (Expert Review Desk)
english.TypeBundle=Result bundle (Expert Review Desk)
english.TypeRoundNotice=Round notice (Expert Review Desk)
english.TypeReportToSign=Report to sign (Expert Review Desk)
english.MenuComment=Offline expert-review meetings with signed, encrypted files
english.GroupFileTypes=File types:
english.AssociateFiles=Open the program's files (*.oikit, *.oibundle, ...) with {#AppName}
#ifdef HaveChinese
chinesesimplified.TypePackage=申报材料包（专家评审工作台）
chinesesimplified.TypeKit=会议包（专家评审工作台）
chinesesimplified.TypeSheet=评分表文件（专家评审工作台）
chinesesimplified.TypeBundle=结果包（专家评审工作台）
chinesesimplified.TypeRoundNotice=轮次通知（专家评审工作台）
chinesesimplified.TypeReportToSign=待签报告（专家评审工作台）
chinesesimplified.MenuComment=离线专家评审会议：签名、加密的文件
chinesesimplified.GroupFileTypes=文件类型：
chinesesimplified.AssociateFiles=用专家评审工作台打开本程序的文件（*.oikit、*.oibundle 等）
#endif

[Tasks]
Name: "associate"; Description: "{cm:AssociateFiles}"; GroupDescription: "{cm:GroupFileTypes}"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder build: review-desk.exe, review-desk-cli.exe, _internal\, licenses\.
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries whole: no file of an older build stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
; One Start menu entry with both names, whichever language the wizard ran in.
Name: "{autoprograms}\{#AppNameZh} {#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:MenuComment}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppNameZh} {#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:MenuComment}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; The file types: extension -> ProgID -> icon and "open" command; removed on uninstall.
; HKA is HKLM for an all-users install and HKCU for a per-user one.
; *.oipkg
Root: HKA; Subkey: "Software\Classes\.oipkg"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.package"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oipkg\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.package"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.package"; ValueType: string; ValueName: ""; ValueData: "{cm:TypePackage}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oipkg"; ValueData: ""; Tasks: associate
; *.oikit
Root: HKA; Subkey: "Software\Classes\.oikit"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.kit"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oikit\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.kit"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.kit"; ValueType: string; ValueName: ""; ValueData: "{cm:TypeKit}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.kit\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.kit\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oikit"; ValueData: ""; Tasks: associate
; *.oisheet
Root: HKA; Subkey: "Software\Classes\.oisheet"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.sheet"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oisheet\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.sheet"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.sheet"; ValueType: string; ValueName: ""; ValueData: "{cm:TypeSheet}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.sheet\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.sheet\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oisheet"; ValueData: ""; Tasks: associate
; *.oibundle
Root: HKA; Subkey: "Software\Classes\.oibundle"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.bundle"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oibundle\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.bundle"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.bundle"; ValueType: string; ValueName: ""; ValueData: "{cm:TypeBundle}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oibundle"; ValueData: ""; Tasks: associate
; *.oiround
Root: HKA; Subkey: "Software\Classes\.oiround"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.round-notice"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oiround\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.round-notice"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.round-notice"; ValueType: string; ValueName: ""; ValueData: "{cm:TypeRoundNotice}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.round-notice\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.round-notice\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oiround"; ValueData: ""; Tasks: associate
; *.oireport
Root: HKA; Subkey: "Software\Classes\.oireport"; ValueType: string; ValueName: ""; ValueData: "ExpertReviewDesk.report-to-sign"; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.oireport\OpenWithProgids"; ValueType: string; ValueName: "ExpertReviewDesk.report-to-sign"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.report-to-sign"; ValueType: string; ValueName: ""; ValueData: "{cm:TypeReportToSign}"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.report-to-sign\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ExpertReviewDesk.report-to-sign\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".oireport"; ValueData: ""; Tasks: associate
; "Open with" lists the program under its own name; removed with the key on uninstall.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppNameZh} {#AppName}"; Flags: uninsdeletekey; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
