import qdarktheme


def style(app):
    app.setStyleSheet(qdarktheme.load_stylesheet())
