"""The window's stylesheet (Taobao-like orange on light grey); kiosk mode adds ``kiosk.KIOSK_STYLE``."""

STYLE = """
QMainWindow, #conversationList, #chatPanel QScrollArea { background: #f4f5f7; }
#header { background: #ffffff; border-bottom: 1px solid #e6e8eb; }
#appTitle { font-size: 18px; font-weight: 600; color: #1f2329; }
#actionBar { background: #ffffff; border-bottom: 1px solid #e6e8eb; }
QPushButton { padding: 6px 14px; border: 1px solid #d0d4da; border-radius: 8px; background: #ffffff; color: #1f2329; }
QPushButton:hover { border-color: #ff5000; color: #ff5000; }
QPushButton:disabled { color: #b0b6be; border-color: #e3e6ea; }
QPushButton[chip="true"] { border-radius: 15px; padding: 6px 16px; background: #fff4ee; border-color: #ffd8c2; color: #d64400; }
QPushButton[primary="true"] { background: #ff5000; border-color: #ff5000; color: #ffffff; font-weight: 600; }
QPushButton[primary="true"]:disabled { background: #ffb899; border-color: #ffb899; }
QPushButton#detailsButton, QPushButton#actionButton { padding: 3px 12px; }
QLineEdit { padding: 5px 8px; border: 1px solid #d0d4da; border-radius: 6px; background: #ffffff; }
QLineEdit:focus { border-color: #ff5000; }
QComboBox { min-height: 26px; }
#composer { background: #ffffff; border-top: 1px solid #e6e8eb; }
#chatInput { padding: 8px 12px; border-radius: 18px; }
#sendButton { border-radius: 18px; padding: 8px 22px; }
#formHost { background: #ffffff; border-top: 1px solid #e6e8eb; }
#form { background: #fafbfc; border: 1px solid #e6e8eb; border-radius: 10px; }
#formTitle { font-weight: 600; color: #1f2329; }
#formError { color: #cf1322; }
#closeFormButton { border: none; font-size: 18px; color: #8a919a; padding: 2px 6px; }
#typingIndicator { color: #8a919a; padding: 4px 64px; background: #f4f5f7; }
#avatar { min-width: 36px; max-width: 36px; min-height: 36px; max-height: 36px; border-radius: 18px;
          background: #ff5000; color: #ffffff; font-size: 11px; font-weight: 600; }
#card { background: #ffffff; border: 1px solid #e6e8eb; border-radius: 12px; }
#card[variant="reply"] { background: transparent; border: none; }
#card[variant="user"] { background: #ff5000; border-color: #ff5000; }
#card[variant="user"] QLabel { color: #ffffff; }
#card[variant="error"] { background: #fff2f0; border-color: #ffccc7; }
#card[variant="error"] QLabel { color: #a8071a; }
#cardTitle { font-size: 15px; font-weight: 600; color: #1f2329; }
#sectionTitle { font-weight: 600; color: #1f2329; margin-top: 6px; }
#cardNote, #productMeta, #timelineMeta, #pageLabel { color: #8a919a; }
#description, #specs, #deliveryText, #decisionText, #messageText { color: #1f2329; }
#productRow { background: #fafbfc; border: 1px solid #eef0f2; border-radius: 8px; }
#productName { font-weight: 600; color: #1f2329; }
#price { color: #ff5000; font-weight: 600; font-size: 15px; }
#whyLabel { color: #5b6470; }
#timelineText[current="true"] { color: #ff5000; font-weight: 600; }
QLabel[badge] { border-radius: 9px; padding: 2px 10px; font-weight: 600; }
QLabel[badge="info"] { background: #e6f4ff; color: #0958d9; }
QLabel[badge="ok"] { background: #f6ffed; color: #389e0d; }
QLabel[badge="warn"] { background: #fffbe6; color: #d48806; }
QLabel[badge="bad"] { background: #fff1f0; color: #cf1322; }
#returnStatus { font-size: 15px; font-weight: 600; color: #389e0d; }
#returnStatus[created="false"] { color: #d48806; }
#sidePanel { background: #ffffff; }
#filterChip { background: #e6f4ff; color: #0958d9; border-radius: 9px; padding: 2px 10px; }
QPushButton#suggestionChip { padding: 4px 12px; border-radius: 12px; }
QPushButton#itemChoiceButton { padding: 6px 12px; }
#sessionPanel, #sessionPanel > QWidget > QWidget { background: #ffffff; }
#sessionPanel QProgressBar { border: 1px solid #e6e8eb; border-radius: 6px; background: #f4f5f7; font-size: 10px; }
#sessionPanel QProgressBar::chunk { background: #ff9a66; border-radius: 5px; }
#sessionPanel QTableWidget { border: 1px solid #e6e8eb; gridline-color: #eef0f2; }
#sessionEmpty, #fusionExplanation, #modalities { color: #5b6470; }
#helpText { color: #3b424b; }
QStatusBar { background: #ffffff; color: #8a919a; border-top: 1px solid #e6e8eb; }
#voiceBar { background: #ffffff; border-top: 1px solid #eef0f2; }
#micButton { padding: 8px 18px; border-radius: 18px; font-weight: 600; }
#micStatus { color: #5b6470; }
#whyLine { color: #5b6470; font-size: 12px; padding-left: 4px; }
#whyButton { color: #8a919a; font-size: 11px; border: none; padding: 0 4px; }
#whyButton:checked { color: #ff5000; }
#signedIn { color: #5b6470; }
#hypothesisTable { border: 1px solid #e6e8eb; gridline-color: #eef0f2; }
QStatusBar QProgressBar { max-height: 12px; max-width: 140px; border: 1px solid #e6e8eb; border-radius: 6px; }
QStatusBar QProgressBar::chunk { background: #ff9a66; border-radius: 5px; }
"""
