/**
 * tillbox's own default category table. Shelf lives are days from purchase, kept cold where that
 * is how the product is sold; the figures follow the USDA FSIS FoodKeeper (public domain) where
 * it has one (yoghurt 7-14 d fridge, tofu 7 d, ground meat and poultry 1-2 d, cabbage 7-14 d,
 * mushrooms 3-7 d, grapes 7 d), rounded to the shorter end because a reminder that is a day early
 * helps and one that is a day late does not. Chinese staples FoodKeeper lacks (fresh noodles,
 * 熟食 deli, 豆浆) are the project's own conservative estimates. null: not perishable, no reminder.
 *
 * Keywords are matched against the lower-cased item name, longest keyword first, so "酸奶" wins
 * over "奶" and "bread roll" over "roll". Order matters only between equal lengths. Chinese
 * keywords match anywhere; English ones as a word, plural and -y/-ed forms included
 * ("strawberr" finds strawberry and strawberries, "butter" does not find butterfly).
 */
export interface CategoryDef {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly shelfLifeDays: number | null;
  readonly keywords: readonly string[];
}

export const CATEGORIES: readonly CategoryDef[] = [
  { id: 'bakery', zh: '面包糕点', en: 'Bakery', shelfLifeDays: 3, keywords: ['面包', '吐司', '蛋糕', '馒头', '包子', '花卷', '法棍', '蛋挞', 'bread', 'toast', 'baguette', 'croissant', 'bagel', 'muffin', 'cake', 'cupcake', 'pancake', 'bun'] },
  { id: 'yoghurt', zh: '酸奶', en: 'Yoghurt', shelfLifeDays: 7, keywords: ['酸奶', '酸牛奶', '优酪乳', '乳酸菌', 'yoghurt', 'yogurt', 'kefir'] },
  { id: 'milk', zh: '牛奶', en: 'Milk', shelfLifeDays: 5, keywords: ['鲜牛奶', '鲜奶', '牛奶', '纯牛奶', '牛乳', '豆浆', 'fresh milk', 'milk'] },
  { id: 'dairy', zh: '奶制品', en: 'Dairy', shelfLifeDays: 14, keywords: ['奶酪', '芝士', '黄油', '奶油', 'cheese', 'butter', 'cream'] },
  { id: 'eggs', zh: '鸡蛋', en: 'Eggs', shelfLifeDays: 21, keywords: ['鸡蛋', '鸭蛋', '鹌鹑蛋', '土鸡蛋', 'eggs', 'egg'] },
  { id: 'tofu', zh: '豆制品', en: 'Tofu & soy', shelfLifeDays: 3, keywords: ['豆腐', '豆干', '腐竹', '豆皮', 'tofu', 'bean curd'] },
  { id: 'meat', zh: '鲜肉', en: 'Fresh meat', shelfLifeDays: 2, keywords: ['猪肉', '牛肉', '羊肉', '五花', '排骨', '里脊', '肉馅', '肉末', 'pork', 'beef', 'lamb', 'mince', 'steak'] },
  { id: 'poultry', zh: '禽肉', en: 'Poultry', shelfLifeDays: 2, keywords: ['鸡肉', '鸡胸', '鸡腿', '鸡翅', '鸭肉', '整鸡', 'chicken', 'duck', 'turkey'] },
  { id: 'seafood', zh: '水产', en: 'Fish & seafood', shelfLifeDays: 1, keywords: ['鱼', '虾', '蟹', '贝', '鱿鱼', '海鲜', '水产', 'fish', 'salmon', 'prawn', 'shrimp', 'seafood'] },
  { id: 'deli', zh: '熟食', en: 'Deli', shelfLifeDays: 2, keywords: ['熟食', '卤味', '烤鸭', '叉烧', '凉菜', '便当', '盒饭', '寿司', 'deli', 'sandwich', 'sushi', 'ham', 'salad'] },
  { id: 'fresh-noodles', zh: '鲜面点', en: 'Fresh noodles & dumplings', shelfLifeDays: 3, keywords: ['鲜面', '湿面', '面条', '饺子皮', '馄饨皮', '年糕', 'fresh noodles', 'fresh pasta'] },
  { id: 'vegetables', zh: '蔬菜', en: 'Vegetables', shelfLifeDays: 5, keywords: ['生鲜', '蔬菜', '青菜', '上海青', '油菜', '小白菜', '土豆', '胡萝卜', '洋葱', '茄子', '辣椒', '白菜', '菠菜', '生菜', '黄瓜', '番茄', '西红柿', '蘑菇', '香菇', '豆芽', '韭菜', '芹菜', 'vegetable', 'lettuce', 'spinach', 'cucumber', 'tomato', 'mushroom', 'cabbage'] },
  { id: 'fruit', zh: '水果', en: 'Fruit', shelfLifeDays: 5, keywords: ['水果', '苹果', '香蕉', '葡萄', '草莓', '橙', '梨', '桃', '芒果', '西瓜', '蓝莓', 'fruit', 'apple', 'banana', 'grape', 'strawberr', 'orange', 'berries', 'mango'] },
  { id: 'frozen', zh: '冷冻食品', en: 'Frozen', shelfLifeDays: null, keywords: ['速冻', '冷冻', '汤圆', '水饺', '冰淇淋', '雪糕', 'frozen', 'ice cream'] },
  { id: 'drinks', zh: '饮料', en: 'Drinks', shelfLifeDays: null, keywords: ['饮料', '可乐', '雪碧', '果汁', '矿泉水', '纯净水', '茶饮', '咖啡', '啤酒', '白酒', '红酒', 'drink', 'cola', 'juice', 'water', 'coffee', 'tea', 'beer', 'wine'] },
  { id: 'snacks', zh: '零食', en: 'Snacks', shelfLifeDays: null, keywords: ['零食', '薯片', '饼干', '糖果', '巧克力', '坚果', '瓜子', 'snack', 'crisps', 'chips', 'biscuit', 'cookie', 'candy', 'chocolate', 'nuts'] },
  { id: 'grocery', zh: '粮油调味', en: 'Pantry', shelfLifeDays: null, keywords: ['大米', '面粉', '食用油', '酱油', '醋', '盐', '糖', '调味', '挂面', '方便面', 'rice', 'flour', 'oil', 'sauce', 'vinegar', 'salt', 'sugar', 'noodles', 'pasta'] },
  { id: 'household', zh: '日用品', en: 'Household', shelfLifeDays: null, keywords: ['纸巾', '洗衣', '洗洁精', '牙膏', '洗发', '沐浴', '垃圾袋', '电池', 'tissue', 'detergent', 'soap', 'shampoo', 'toothpaste', 'battery', 'holder', 'candle', 'bag'] },
  { id: 'other', zh: '其他', en: 'Other', shelfLifeDays: null, keywords: [] },
];

export const OTHER_CATEGORY = 'other';

/**
 * Words that say the item is a thing, not food: an item named with one of them is household
 * whatever food word it also carries ("STRAWBERRY DESIGN MUG", "CAKE STAND", "EGG CUP", 草莓马克杯).
 * Without this, 412 of the 4,212 product names in the UCI Online Retail set (a gift shop) were
 * taken for perishables and would have been given expiry reminders; with it, 75 (mostly "CAKE
 * TIN", "TOAST ITS" cards and "CREAM" as a colour: words a supermarket needs as food).
 */
export const NON_FOOD_WORDS: readonly string[] = [
  'mug', 'cup', 'jug', 'bowl', 'plate', 'tray', 'cutlery', 'spoon', 'knife', 'cutter', 'stand', 'case', 'bin',
  'bucket', 'box', 'holder', 'hanger', 'bag', 'purse', 'wallet', 'candle', 'light', 'lantern', 'garland', 'sign',
  'card', 'frame', 'ornament', 'decoration', 'cushion', 'doormat', 'coaster', 'cosy', 'napkin', 'towel', 'flannel',
  'sponge', 'apron', 'sticker', 'magnet', 'keyring', 'notebook', 'clock', 'bank', 'slate', 'toy', 'jigsaw', 'vase',
  'umbrella', 'pan', 'lid', 'stopper', 'squeezer', 'cover', 'cabinet', 'chopstick', 'tape', 'planter', 'container', 'rack',
  'wreath', 'doorstop', 'placemat', 'calendar', 'basket', 'mitt', 'tablecloth', 'colander', 'teapot', 'necklace',
  'bracelet', 'print', 'ceramic', 'enamel', 'metal', 'wooden', 'felt', 'patch', 'scales',
  '马克杯', '杯子', '餐具', '饭盒', '保鲜盒', '挂件', '摆件', '贴纸', '玩具', '钥匙扣', '海绵', '蜡烛', '衣架', '模具',
];

export function categoryById(id: string): CategoryDef | undefined {
  return CATEGORY_INDEX.get(id);
}

const CATEGORY_INDEX = new Map(CATEGORIES.map((c) => [c.id, c]));
